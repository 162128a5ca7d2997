import Testing
import Units

@testable import Safety

@Suite("Safety machine transitions")
struct SafetyMachineTests {
  @Test func startsLatchedWithOutputsSafe() {
    let machine = SafetyMachine(limits: Fixtures.limits)
    #expect(machine.state == .latched(Fault(.startup)))
    #expect(machine.outputs == .safe)
  }

  @Test func acknowledgeNeedsASnapshotWithEveryCauseGone() {
    var machine = SafetyMachine(limits: Fixtures.limits)
    machine.handle(.acknowledge)
    #expect(machine.state == .latched(Fault(.startup)), "no snapshot yet: nothing is known to be safe")
    machine.handle(.inputs(Fixtures.inputs(estop: false)))
    #expect(machine.state == .latched(Fault(.startup)))
    machine.handle(.acknowledge)
    #expect(machine.state == .latched(Fault(.startup)), "e-stop still pressed")
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    #expect(machine.state == .idle)
  }

  @Test func reachesReadyThroughSwitchingAndCharging() {
    let machine = Fixtures.readyMachine()
    #expect(machine.state == .ready)
    #expect(machine.outputs == SafetyOutputs(hvEnable: true, bleedRelease: true))
  }

  @Test func chargingStaysUntilTheBankIsWithinTolerance() {
    var machine = SafetyMachine(limits: Fixtures.limits)
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    machine.handle(.beginCharging)
    machine.handle(.bankVoltage(measured: Volts(2000), setpoint: Volts(2250)))
    #expect(machine.state == .charging)
    machine.handle(.bankVoltage(measured: Volts(2200), setpoint: Volts(2250)))
    #expect(machine.state == .ready)
  }

  @Test func overChargedBankLatches() {
    var machine = Fixtures.readyMachine()
    machine.handle(.bankVoltage(measured: Volts(2400), setpoint: Volts(2250)))
    #expect(machine.state.fault?.interlock == .bankVoltage)
    #expect(machine.outputs == .safe)
  }

  @Test func chargeTimeoutLatches() {
    var machine = SafetyMachine(limits: Fixtures.limits)
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    machine.handle(.beginCharging)
    machine.handle(.chargeTimedOut)
    #expect(machine.state == .latched(Fault(.charger)))
  }

  @Test(arguments: [
    (Fixtures.inputs(estop: false), Interlock.estop),
    (Fixtures.inputs(hwFault: true), Interlock.hardwareFault),
    (Fixtures.inputs(lid: false), Interlock.lid),
    (Fixtures.inputs(temperature: 80), Interlock.overTemperature),
  ])
  func inputFaultsLatchFromReady(inputs: InterlockInputs, interlock: Interlock) {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(inputs))
    #expect(machine.state.fault?.interlock == interlock)
    #expect(machine.outputs == .safe)
  }

  @Test func lidOpenWhileIdleDoesNotLatchButRefusesCharging() {
    var machine = SafetyMachine(limits: Fixtures.limits)
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    machine.handle(.inputs(Fixtures.inputs(lid: false)))
    #expect(machine.state == .idle)
    machine.handle(.beginCharging)
    #expect(machine.state == .latched(Fault(.lid)))
  }

  @Test func footswitchReleasePausesAndPressingAgainResumes() {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(Fixtures.inputs(at: 10, a: false, b: false)))
    #expect(machine.state == .paused(.footswitchReleased))
    #expect(machine.outputs == .safe)
    machine.handle(.inputs(Fixtures.inputs(at: 20)))
    #expect(machine.state == .idle)
  }

  @Test func footswitchDisagreementLatchesOnlyAfterItsLimit() {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(Fixtures.inputs(at: 0, a: true, b: false)))
    #expect(machine.state == .paused(.footswitchReleased), "one channel released: not pressed, so paused")
    machine.handle(.inputs(Fixtures.inputs(at: 50, a: true, b: false)))
    #expect(machine.state == .paused(.footswitchReleased), "exactly 50 ms is still within the limit")
    machine.handle(.inputs(Fixtures.inputs(at: 51, a: true, b: false)))
    #expect(machine.state.fault?.interlock == .footswitchDisagree)
  }

  @Test func briefDisagreementThatEndsDoesNotLatch() {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(Fixtures.inputs(at: 0, a: true, b: false)))
    machine.handle(.inputs(Fixtures.inputs(at: 30)))
    machine.handle(.inputs(Fixtures.inputs(at: 100, a: true, b: false)))
    machine.handle(.inputs(Fixtures.inputs(at: 140, a: true, b: false)))
    #expect(machine.state.fault == nil, "the count restarts each time the channels disagree")
  }

  @Test func latchedFaultKeepsItsFirstCauseAndIgnoresEverythingButAcknowledgeAndAbort() {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(Fixtures.inputs(estop: false)))
    for event: SafetyEvent in [
      .beginCharging, .beginSwitching, .resume, .fired, .inputs(Fixtures.inputs(lid: false)),
    ] {
      machine.handle(event)
      #expect(machine.state == .latched(Fault(.estop)))
    }
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    #expect(machine.state == .idle)
  }

  @Test func pulseMeasurementFaultsLatchAndPoorContactStopsThePair() {
    var machine = Fixtures.readyMachine()
    machine.handle(.fired)
    #expect(machine.state == .delivering)
    machine.handle(.measured(Fixtures.measurement(current: 60)))
    #expect(machine.state.fault?.interlock == .overCurrent)

    var contact = Fixtures.readyMachine()
    contact.handle(.fired)
    contact.handle(.measured(Fixtures.measurement(current: 1, previous: nil)))
    #expect(contact.state == .pairStopped(Fault(.lowCurrent, measured: 1, limit: 2)))
    contact.handle(.resume)
    #expect(contact.state == .idle)
  }

  @Test func goodMeasurementReturnsToReady() {
    var machine = Fixtures.readyMachine()
    machine.handle(.fired)
    machine.handle(.measured(Fixtures.measurement()))
    #expect(machine.state == .ready)
  }

  @Test func triggerLossPausesAndTheOperatorResumes() {
    var machine = Fixtures.readyMachine()
    machine.handle(.triggerLost)
    #expect(machine.state == .paused(.ecgTrigger))
    machine.handle(.resume)
    #expect(machine.state == .idle)
  }

  @Test func abortEndsFromAnywhereAndFinishedIsFinal() {
    var machine = Fixtures.readyMachine()
    machine.handle(.abort)
    #expect(machine.state == .finished)
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    machine.handle(.beginCharging)
    #expect(machine.state == .finished)
    #expect(machine.outputs == .safe)
  }

  @Test func relaysThatDoNotReadBackLatch() {
    var machine = SafetyMachine(limits: Fixtures.limits)
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    machine.handle(.beginSwitching)
    #expect(machine.outputs == .safe, "relays move only with the bank bled")
    machine.handle(.relaysVerified(false))
    #expect(machine.state == .latched(Fault(.relayReadback)))
  }

  @Test func bankThatWillNotBleedLatches() {
    var machine = Fixtures.readyMachine()
    machine.handle(.beginSwitching)
    machine.handle(.bleedTimedOut(measured: Volts(400)))
    #expect(machine.state == .latched(Fault(.bleed, measured: 400)))
    #expect(machine.outputs == .safe)
  }
}
