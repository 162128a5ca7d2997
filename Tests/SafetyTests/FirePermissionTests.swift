import Testing
import Units

@testable import Safety

@Suite("The fire check")
struct FirePermissionTests {
  func outcome(_ decision: consuming FireDecision) -> String {
    switch consume decision {
    case .fire: "fire"
    case .skip(let reason): "skip \(reason.rawValue)"
    case .fault(let fault): "fault \(fault.interlock.rawValue)"
    }
  }

  @Test func freshGoodCheckPermits() {
    var machine = Fixtures.readyMachine()
    #expect(outcome(machine.permission(Fixtures.check())) == "fire")
    #expect(machine.state == .ready, "a permission alone changes nothing until it is used")
  }

  /// Whether a fresh permission still stands after `events`.
  func stands(after events: [SafetyEvent]) -> Bool {
    var machine = Fixtures.readyMachine()
    let decision = machine.permission(Fixtures.check())
    switch consume decision {
    case .fire(let permission):
      for event in events { machine.handle(event) }
      return machine.stillPermits(permission)
    case .skip:
      Issue.record("no permission to begin with")
      return false
    case .fault:
      Issue.record("no permission to begin with")
      return false
    }
  }

  @Test func aPermissionStandsWhileNothingChanges() {
    #expect(stands(after: []))
    #expect(stands(after: [.inputs(Fixtures.inputs(at: 101))]), "a snapshot that changes nothing")
    #expect(stands(after: [.bankVoltage(measured: Volts(2245), setpoint: Volts(2250))]))
  }

  @Test(arguments: [
    [SafetyEvent.pause], [.abort], [.timingOverrun(late: .milliseconds(30))], [.sensorFailed],
    [.inputs(Fixtures.inputs(at: 101, a: false, b: false))],
    [.inputs(Fixtures.inputs(at: 101, estop: false))],
    // Paused and straight back to ready: still a change, still void.
    [.pause, .resume, .beginCharging, .bankVoltage(measured: Volts(2245), setpoint: Volts(2250))],
  ])
  func anyStateChangeAfterThePermissionVoidsIt(events: [SafetyEvent]) {
    #expect(!stands(after: events), "\(events)")
  }

  @Test func aTemperaturePauseEndsBelowItsResumeThreshold() {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(Fixtures.inputs(at: 10, temperature: 61)))
    #expect(machine.state == .paused(.overTemperature))
    machine.handle(.inputs(Fixtures.inputs(at: 20, temperature: 57)))
    #expect(
      machine.state == .paused(.overTemperature), "below the pause threshold, not yet below the resume one")
    machine.handle(.inputs(Fixtures.inputs(at: 30, temperature: 54.9)))
    #expect(machine.state == .idle)
  }

  @Test func notReadyIsASkip() {
    var machine = Fixtures.readyMachine()
    machine.handle(.beginSwitching)
    #expect(outcome(machine.permission(Fixtures.check())) == "skip not_ready")
  }

  @Test func pastTheWindowIsASkipNeverALatePulse() {
    var machine = Fixtures.readyMachine()
    #expect(outcome(machine.permission(Fixtures.check(at: 111, notAfter: 110))) == "skip late")
  }

  @Test func theSnapshotIsAppliedFirst() {
    var machine = Fixtures.readyMachine()
    let pressed = Fixtures.inputs(at: 100, estop: false)
    #expect(outcome(machine.permission(Fixtures.check(inputs: pressed))) == "fault estop")
    #expect(machine.state == .latched(Fault(.estop)))
  }

  @Test func unverifiedRelaysAreAFault() {
    var machine = Fixtures.readyMachine()
    #expect(outcome(machine.permission(Fixtures.check(relays: false))) == "fault relay_readback")
  }

  @Test func lowBankHoldsThenFaults() {
    var machine = Fixtures.readyMachine()
    #expect(outcome(machine.permission(Fixtures.check(bank: 2000, held: 0))) == "skip bank_voltage")
    #expect(outcome(machine.permission(Fixtures.check(bank: 2000, held: 1))) == "skip bank_voltage")
    #expect(outcome(machine.permission(Fixtures.check(bank: 2000, held: 2))) == "skip bank_voltage")
    #expect(
      outcome(machine.permission(Fixtures.check(bank: 2000, held: 3))) == "fault bank_voltage",
      "three beats held (bank_hold_beats), the fourth is a fault")
    #expect(machine.outputs == .safe)
  }

  @Test func overChargedBankIsAFaultAtOnce() {
    var machine = Fixtures.readyMachine()
    #expect(outcome(machine.permission(Fixtures.check(bank: 2400))) == "fault bank_voltage")
  }

  @Test func firingFasterThanTheBoardAllowsLatches() {
    var limits = Fixtures.limits
    limits.minFireInterval = .milliseconds(100)
    var machine = SafetyMachine(limits: limits, state: .ready, lastInputs: Fixtures.inputs())
    var check = Fixtures.check()
    check.sinceLastFire = .milliseconds(99)
    #expect(outcome(machine.permission(check)) == "fault pulse_rate")
    var slowEnough = SafetyMachine(limits: limits, state: .ready, lastInputs: Fixtures.inputs())
    check.sinceLastFire = .milliseconds(100)
    #expect(outcome(slowEnough.permission(check)) == "fire")
  }

  @Test func aPulseNobodyFiredIsAFaultBeforeTheNext() {
    var machine = Fixtures.readyMachine()
    var check = Fixtures.check()
    check.pulsesSinceLastLook = 1
    #expect(outcome(machine.permission(check)) == "fault pulse_counter")
  }
}
