import Foundation
import HAL
import Protocol
import Safety
import Sequencer
import Simulator
import Testing
import Units

/// The one path to `pulse_fire`, on the simulated board: a permission that the machine no longer
/// stands by, or a stop that waits, fires nothing.
@Suite("The fire path")
struct PulseGeneratorTests {
  /// A simulated board, its generator, and a machine brought to `ready` with a permission.
  final class Bench {
    let board: SimulatedBoard
    let generator: PulseGenerator
    var machine: SafetyMachine

    init() throws {
      let description = try BoardFile.load(path: Paths.simBoard)
      let settings = try #require(description.simulator)
      board = SimulatedBoard(description: description, settings: settings, pace: .fast, seed: 1)
      board.footswitchA = true
      board.footswitchB = true
      generator = PulseGenerator(board: description, gpio: board.gpio, bus: board.bus, clock: board.clock)
      machine = SafetyMachine(
        limits: SafetyLimits(
          maxCurrent: Amperes(50), maxCurrentJump: Amperes(8), minCurrent: Amperes(2), testCurrent: nil,
          bankVoltageTolerance: 0.05, bankHoldBeats: 3, voltageCollapseFraction: 0.8,
          footswitchDisagree: .milliseconds(50), temperaturePause: Celsius(60),
          temperatureResume: Celsius(55), temperatureFault: Celsius(75)))
      for event: SafetyEvent in [
        .inputs(try generator.snapshot()), .acknowledge, .beginSwitching, .relaysVerified(true),
        .beginCharging,
        .bankVoltage(measured: Volts(1000), setpoint: Volts(1000)),
      ] {
        machine.handle(event)
      }
    }

    func check() throws -> FireCheck {
      FireCheck(
        inputs: try generator.snapshot(), bankVoltage: Volts(1000), setpoint: Volts(1000),
        relaysVerified: true,
        notAfter: board.clock.now + .milliseconds(5), heldBeats: 0)
    }

    /// Takes a permission, lets `between` happen, then fires through the generator; the last
    /// watchdog kick was `kickedAgo` before.
    func fire(
      between: (Bench) -> Void = { _ in }, stopPending: Bool = false,
      kickedAgo: Nanoseconds = .milliseconds(2)
    ) throws -> PulseGenerator.FireResult {
      try fire(between: between, stopPending: { stopPending }, kickedAgo: kickedAgo)
    }

    /// `scheduledIn`: how far after the look the pulse's instant lies (the fire path waits for
    /// it on the clock); `stopPending` is asked after the look and again after that wait.
    func fire(
      between: (Bench) -> Void = { _ in }, scheduledIn: Nanoseconds = .zero, stopPending: () -> Bool,
      kickedAgo: Nanoseconds = .milliseconds(2)
    ) throws -> PulseGenerator.FireResult {
      let decision = machine.permission(try check())
      switch consume decision {
      case .fire(let permission):
        between(self)
        let kickDeadline = board.clock.now - kickedAgo + .milliseconds(19)
        let scheduled = board.clock.now + scheduledIn
        var trace = FireTrace(scheduled: scheduled, lead: scheduledIn, wake: PreciseWake(at: board.clock.now))
        return try generator.fire(
          permission, machine: machine, at: scheduled, kickDeadline: kickDeadline,
          stopPending: stopPending, trace: &trace)
      case .skip(let reason):
        Issue.record("skipped: \(reason)")
        return .refused
      case .fault(let fault):
        Issue.record("fault: \(fault)")
        return .refused
      }
    }
  }

  @Test func aStandingPermissionFires() throws {
    let bench = try Bench()
    guard case .fired = try bench.fire() else {
      Issue.record("did not fire")
      return
    }
    #expect(bench.board.fireEdges.count == 1)
  }

  @Test func aPauseTakenAfterThePermissionVoidsIt() throws {
    let bench = try Bench()
    #expect(try bench.fire(between: { $0.machine.handle(.pause) }) == .voided)
    #expect(bench.board.fireEdges.isEmpty)
  }

  @Test func anAbortTakenAfterThePermissionVoidsIt() throws {
    let bench = try Bench()
    #expect(try bench.fire(between: { $0.machine.handle(.abort) }) == .voided)
    #expect(bench.board.fireEdges.isEmpty)
  }

  @Test func aTimingFaultLatchedAfterThePermissionVoidsIt() throws {
    let bench = try Bench()
    #expect(
      try bench.fire(between: { $0.machine.handle(.timingOverrun(late: .milliseconds(25))) }) == .voided)
    #expect(bench.board.fireEdges.isEmpty)
  }

  @Test func aStopThatWaitsIsSeenBeforeTheEdge() throws {
    let bench = try Bench()
    #expect(try bench.fire(stopPending: true) == .stopPending)
    #expect(bench.board.fireEdges.isEmpty)
  }

  /// The look came back before the pulse's instant: a stop that arrives while the fire path
  /// waits for it on the clock is seen before the edge.
  @Test func aStopDuringTheWaitAfterTheLookIsSeenBeforeTheEdge() throws {
    let bench = try Bench()
    var asked = 0
    let result = try bench.fire(
      scheduledIn: .microseconds(8),
      stopPending: {
        asked += 1
        return asked > 1
      })
    #expect(result == .stopPending)
    #expect(asked == 2, "asked after the look and after the wait")
    #expect(bench.board.fireEdges.isEmpty)
  }

  @Test func aLookBackEarlyFiresAtTheInstantNotBefore() throws {
    let bench = try Bench()
    let start = bench.board.clock.now
    guard case .fired(let instant, _) = try bench.fire(scheduledIn: .microseconds(8), stopPending: { false })
    else {
      Issue.record("did not fire")
      return
    }
    #expect(instant == start + .microseconds(8))
    #expect(bench.board.fireEdges.count == 1)
  }

  /// The loop stalled between the last kick and the edge: the external watchdog may have
  /// dropped HV already, and an edge now would fire from a bank it is bleeding.
  @Test func anEdgeLongAfterTheLastKickIsRefused() throws {
    let bench = try Bench()
    #expect(try bench.fire(kickedAgo: .milliseconds(25)) == .watchdogLapsed)
    #expect(bench.board.fireEdges.isEmpty)
  }

  @Test func anEstopPressedAfterThePermissionIsSeenByTheLastLook() throws {
    let bench = try Bench()
    #expect(try bench.fire(between: { $0.board.estopPressed = true }) == .refused)
    #expect(bench.board.fireEdges.isEmpty)
  }

  /// The board keeps, with each edge, the step at which its last look read each interlock line
  /// (the explorer judges an interlock change by it), whatever steps (the wait for the pulse's
  /// instant) lie between that look and the edge.
  @Test func theBoardKnowsWhereAnEdgesLastLookBegan() throws {
    let bench = try Bench()
    var reads: [(step: Int, role: LineRole)] = []
    bench.board.clock.steps.observer = { step, kind in
      if case .read(let role) = kind { reads.append((step, role)) }
    }
    guard case .fired = try bench.fire(scheduledIn: .microseconds(8), stopPending: { false }) else {
      Issue.record("did not fire")
      return
    }
    let detail = try #require(bench.board.fireDetails.last)
    let look = reads.filter { $0.step < detail.step }.suffix(5)
    #expect(look.map(\.role) == LineRole.lastLookLines, "the look reads the lines the simulator watches")
    for (step, role) in look { #expect(detail.lookReads[role] == step, "\(role)") }
    // The wait for the pulse's instant is a step of its own between the look and the edge: an
    // offset of five reads back from the edge would miss the look by one.
    #expect(detail.step - (look.last?.step ?? 0) > 1)
    #expect(
      detail.step - (look.last?.step ?? 0) == 2, "the explorer allows 2 (`Exploration.lookToEdgeSteps`)")
  }
}
