import Testing
import Units

@testable import Safety

/// Every state the machine can be in, every event it can receive: the invariants of SAFETY.md
/// hold after each (state, event) pair.
@Suite("Safety machine, exhaustively")
struct SafetyMachineExhaustiveTests {
  /// Every state: each latched fault and each stopped pair for every interlock, a pause for
  /// every set of causes, and the plain states.
  static let states: [SafetyState] =
    Interlock.allCases.map { .latched(Fault($0)) } + Interlock.allCases.map { .pairStopped(Fault($0)) }
    + (1..<16).map { .paused(PauseCauses(rawValue: UInt8($0))) }
    + [.idle, .switching, .charging, .ready, .delivering, .finished]

  /// Every event, with the snapshots and measurements that take each branch.
  static let events: [SafetyEvent] =
    [
      .inputs(Fixtures.inputs()), .inputs(Fixtures.inputs(estop: false)),
      .inputs(Fixtures.inputs(a: false, b: false)),
      .inputs(Fixtures.inputs(at: 100, a: true, b: false)), .inputs(Fixtures.inputs(lid: false)),
      .inputs(Fixtures.inputs(hwFault: true)), .inputs(Fixtures.inputs(temperature: 65)),
      .inputs(Fixtures.inputs(temperature: 80)), .acknowledge, .beginSwitching, .relaysVerified(true),
      .relaysVerified(false), .beginCharging, .bankVoltage(measured: Volts(2240), setpoint: Volts(2250)),
      .bankVoltage(measured: Volts(2000), setpoint: Volts(2250)),
      .bankVoltage(measured: Volts(2500), setpoint: Volts(2250)), .chargeTimedOut,
      .bleedTimedOut(measured: Volts(300)), .fired, .measured(Fixtures.measurement()),
      .measured(Fixtures.measurement(current: 70)), .measured(Fixtures.measurement(counted: 2)),
      .measured(Fixtures.measurement(current: 40, previous: 20)),
      .measured(Fixtures.measurement(voltage: 900)),
      .measured(Fixtures.measurement(hardwareFault: true)),
      .measured(Fixtures.measurement(kind: .test, current: 3, previous: nil)),
      .measured(Fixtures.measurement(current: 1, previous: nil)), .triggerLost, .sensorFailed,
      .timingOverrun(late: .milliseconds(80)), .pause, .resume, .abort, .complete,
    ]

  /// The snapshots a machine might have seen last.
  static let histories: [InterlockInputs?] = [nil, Fixtures.inputs(), Fixtures.inputs(estop: false)]

  static func machines() -> [SafetyMachine] {
    states.flatMap { state in
      histories.map { SafetyMachine(limits: Fixtures.limits, state: state, lastInputs: $0) }
    }
  }

  @Test func hvEnabledOnlyWithoutFaultWhileChargingReadyOrDelivering() {
    var pairs = 0
    for machine in Self.machines() {
      for event in Self.events {
        var next = machine
        next.handle(event)
        pairs += 1
        if next.outputs.hvEnable || next.outputs.bleedRelease {
          #expect(next.state.fault == nil, "\(machine.state) + \(event)")
          #expect(
            [.charging, .ready, .delivering].contains(next.state),
            "\(machine.state) + \(event) -> \(next.state)")
        }
      }
    }
    #expect(pairs == Self.states.count * Self.histories.count * Self.events.count)
  }

  @Test func deliveringIsReachedOnlyByFiringFromReady() {
    for machine in Self.machines() {
      for event in Self.events {
        var next = machine
        next.handle(event)
        guard next.state == .delivering else { continue }
        #expect(
          machine.state == .delivering || (machine.state == .ready && event == .fired),
          "\(machine.state) + \(event) -> delivering")
      }
    }
  }

  @Test func permissionOnlyFromReadyAndOnlyForAFreshCheck() {
    for machine in Self.machines() {
      var copy = machine
      let fresh = copy.permission(Fixtures.check(at: 100, notAfter: 110))
      let fired: Bool
      switch consume fresh {
      case .fire: fired = true
      case .skip: fired = false
      case .fault: fired = false
      }
      #expect(fired == (machine.state == .ready), "\(machine.state)")
      var late = machine
      let stale = late.permission(Fixtures.check(at: 120, notAfter: 110))
      switch consume stale {
      case .fire: Issue.record("a stale check fired from \(machine.state)")
      case .skip: break
      case .fault: break
      }
    }
  }

  @Test func everyFaultReachesTheSafeState() {
    for machine in Self.machines() where machine.state != .finished {
      for event in Self.events {
        var next = machine
        next.handle(event)
        if next.state.fault != nil { #expect(next.outputs == .safe, "\(machine.state) + \(event)") }
      }
      for snapshot in [
        Fixtures.inputs(estop: false), Fixtures.inputs(hwFault: true), Fixtures.inputs(temperature: 80),
      ] {
        var next = machine
        next.handle(.inputs(snapshot))
        #expect(next.state.fault != nil && next.outputs == .safe, "\(machine.state) + \(snapshot)")
      }
    }
  }

  @Test func aLatchedFaultLeavesOnlyByAcknowledgeWithoutCauseOrByAbort() {
    for machine in Self.machines() {
      guard case .latched = machine.state else { continue }
      for event in Self.events {
        var next = machine
        next.handle(event)
        switch next.state {
        case .latched: break
        case .idle: #expect(event == .acknowledge && machine.lastInputs == Fixtures.inputs(), "\(event)")
        case .finished: #expect(event == .abort)
        case .switching, .charging, .ready, .delivering, .paused, .pairStopped:
          Issue.record("\(machine.state) + \(event) -> \(next.state)")
        }
      }
    }
  }

  /// The operator's pause and a trigger-loss pause end only by the operator's resume (or by
  /// something that stops delivery for good); the footswitch and the heat-sink never end them.
  @Test func anOperatorOrTriggerPauseEndsOnlyByResume() {
    for machine in Self.machines() {
      guard case .paused(let causes) = machine.state, !causes.isDisjoint(with: .endedByResume) else {
        continue
      }
      for event in Self.events {
        var next = machine
        next.handle(event)
        switch next.state {
        case .paused(let after):
          #expect(
            event == .resume || after.isSuperset(of: causes.intersection(.endedByResume)),
            "\(machine.state) + \(event) -> \(next.state)")
        case .idle:
          #expect(event == .resume, "\(machine.state) + \(event) -> idle")
        case .latched, .pairStopped, .finished:
          break
        case .switching, .charging, .ready, .delivering:
          Issue.record("\(machine.state) + \(event) -> \(next.state)")
        }
      }
    }
  }

  /// Every measurement is judged, whatever the state: one that shows a fault never leaves the
  /// machine able to deliver (only `finished`, which delivers nothing more, absorbs it).
  @Test func aFaultyMeasurementIsNeverIgnored() {
    let faulty = Self.events.filter {
      if case .measured(let m) = $0 { return SafetyMachine.judge(m, limits: Fixtures.limits) != nil }
      return false
    }
    #expect(faulty.count >= 6)
    for machine in Self.machines() where machine.state != .finished {
      for event in faulty {
        var next = machine
        next.handle(event)
        switch next.state {
        case .latched, .pairStopped: break
        case .idle, .switching, .charging, .ready, .delivering, .paused, .finished:
          Issue.record("\(machine.state) + \(event) -> \(next.state)")
        }
      }
    }
  }

  @Test func readinessNamesEveryFailingCheckAtOnce() {
    var machine = SafetyMachine(limits: Fixtures.limits)
    machine.handle(.inputs(Fixtures.inputs(estop: false, a: false, b: true, lid: false, temperature: 62)))
    #expect(
      machine.failingChecks.interlocks == [
        .startup, .estop, .footswitchReleased, .footswitchDisagree, .lid, .overTemperature,
      ])
    machine.handle(.inputs(Fixtures.inputs()))
    machine.handle(.acknowledge)
    #expect(machine.failingChecks.isEmpty)
  }
}
