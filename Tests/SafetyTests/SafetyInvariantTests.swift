import Testing
import Units

@testable import Safety

/// Every state reachable from the start by up to four events from a representative set, with
/// every event applied to it: the invariants of SAFETY.md hold in each result.
@Suite("Safety invariants over reachable states")
struct SafetyInvariantTests {
  static let events: [SafetyEvent] = [
    .inputs(Fixtures.inputs()), .inputs(Fixtures.inputs(estop: false)),
    .inputs(Fixtures.inputs(a: false, b: false)),
    .inputs(Fixtures.inputs(at: 100, a: true, b: false)), .inputs(Fixtures.inputs(lid: false)),
    .inputs(Fixtures.inputs(hwFault: true)), .inputs(Fixtures.inputs(temperature: 65)),
    .inputs(Fixtures.inputs(temperature: 80)), .acknowledge, .beginSwitching, .relaysVerified(true),
    .relaysVerified(false), .beginCharging, .bankVoltage(measured: Volts(2240), setpoint: Volts(2250)),
    .bankVoltage(measured: Volts(2500), setpoint: Volts(2250)), .chargeTimedOut, .fired,
    .measured(Fixtures.measurement()), .measured(Fixtures.measurement(current: 70)),
    .measured(Fixtures.measurement(current: 1, previous: nil)), .triggerLost, .sensorFailed, .pause, .resume,
    .abort, .complete,
  ]

  static func reachable(depth: Int) -> Set<SafetyMachine> {
    var seen: Set<SafetyMachine> = [SafetyMachine(limits: Fixtures.limits)]
    var frontier = seen
    for _ in 0..<depth {
      var next: Set<SafetyMachine> = []
      for machine in frontier {
        for event in events {
          var copy = machine
          copy.handle(event)
          if seen.insert(copy).inserted { next.insert(copy) }
        }
      }
      frontier = next
    }
    return seen
  }

  @Test func hvEnabledOnlyWhenChargingReadyOrDeliveringWithoutFault() {
    let machines = Self.reachable(depth: 6)
    #expect(machines.count > 50)
    var states: Set<String> = []
    for machine in machines {
      for event in Self.events {
        var copy = machine
        copy.handle(event)
        states.insert(copy.state.name)
        if copy.outputs.hvEnable || copy.outputs.bleedRelease {
          #expect(copy.state.fault == nil)
          #expect([.charging, .ready, .delivering].contains(copy.state), "\(copy.state) after \(event)")
        }
        if case .latched = copy.state { #expect(copy.outputs == .safe) }
      }
    }
    #expect(
      states == [
        "latched", "idle", "switching", "charging", "ready", "delivering", "paused", "pair_stopped",
        "finished",
      ])
  }

  @Test func everyLatchingInputFaultReachesTheSafeStateFromEveryState() {
    let faults = [
      Fixtures.inputs(estop: false), Fixtures.inputs(hwFault: true), Fixtures.inputs(temperature: 80),
    ]
    for machine in Self.reachable(depth: 6) where machine.state != .finished {
      for snapshot in faults {
        var copy = machine
        copy.handle(.inputs(snapshot))
        #expect(copy.outputs == .safe)
        #expect(copy.state.fault != nil)
      }
    }
  }
}
