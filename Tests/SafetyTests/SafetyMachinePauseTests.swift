import Testing
import Units

@testable import Safety

/// Pauses have causes, and delivery goes on only when every one of them is gone: the operator's
/// own pause only by the operator's resume, whatever else comes and goes meanwhile.
@Suite("Safety machine: pause causes")
struct SafetyMachinePauseTests {
  @Test func anOperatorPauseOutlivesAFootswitchPause() {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(Fixtures.inputs(at: 10, a: false, b: false)))
    #expect(machine.state.name == "paused")
    machine.handle(.pause)
    machine.handle(.inputs(Fixtures.inputs(at: 20)))
    #expect(machine.state.name == "paused", "the footswitch pressed again does not end the operator's pause")
    machine.handle(.resume)
    #expect(machine.state == .idle)
  }

  @Test func anOperatorPauseOutlivesATemperaturePause() {
    var machine = Fixtures.readyMachine()
    machine.handle(.inputs(Fixtures.inputs(at: 10, temperature: 65)))
    machine.handle(.pause)
    machine.handle(.inputs(Fixtures.inputs(at: 20, temperature: 30)))
    #expect(machine.state.name == "paused", "the heat-sink cooling does not end the operator's pause")
  }

  @Test func aResumeDoesNotEndAFootswitchPause() {
    var machine = Fixtures.readyMachine()
    machine.handle(.pause)
    machine.handle(.inputs(Fixtures.inputs(at: 10, a: false, b: false)))
    machine.handle(.resume)
    #expect(machine.state.name == "paused", "still released: the footswitch cause stands")
    machine.handle(.inputs(Fixtures.inputs(at: 20)))
    #expect(machine.state == .idle)
  }

  @Test func aMeasurementTakenWhilePausedIsStillJudged() {
    var machine = Fixtures.readyMachine()
    machine.handle(.fired)
    machine.handle(.pause)
    machine.handle(.measured(Fixtures.measurement(current: 70)))
    #expect(machine.state.fault?.interlock == .overCurrent)
    #expect(machine.outputs == .safe)
  }

  @Test func aMeasurementAfterTheFootswitchPauseEndedIsStillJudged() {
    var machine = Fixtures.readyMachine()
    machine.handle(.fired)
    machine.handle(.inputs(Fixtures.inputs(at: 10, a: false, b: false)))
    machine.handle(.inputs(Fixtures.inputs(at: 11)))
    machine.handle(.measured(Fixtures.measurement(counted: 2)))
    #expect(machine.state.fault?.interlock == .pulseCounter)
  }
}
