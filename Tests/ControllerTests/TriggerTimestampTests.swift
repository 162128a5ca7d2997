import Controller
import Foundation
import HAL
import Protocol
import Safety
import Sequencer
import Simulator
import Testing
import Units

/// Trigger edges whose timestamps cannot be placed on the controller's clock: none is fired on.
@Suite("Implausible trigger timestamps")
struct TriggerTimestampTests {
  /// The simulated lines, with every trigger edge's timestamp moved by `shift`.
  final class ShiftedLines: GPIOLines {
    let lines: any GPIOLines
    let shift: Nanoseconds
    init(_ lines: any GPIOLines, shift: Nanoseconds) {
      self.lines = lines
      self.shift = shift
    }
    func read(_ role: LineRole) throws -> Bool { try lines.read(role) }
    func write(_ role: LineRole, _ value: Bool) throws { try lines.write(role, value) }
    func nextEdge(on role: LineRole, notAfter deadline: Instant) throws -> Edge? {
      guard var edge = try lines.nextEdge(on: role, notAfter: deadline) else { return nil }
      edge.timestamp = edge.timestamp + shift
      return edge
    }
  }

  final class Events: TreatmentObserver {
    var skipped: [SkippedBeat] = []
    var paused = false
    func treatment(_ event: TreatmentEvent) {
      if case .skipped(let beat) = event { skipped.append(beat) }
      if case .state(.paused, _) = event { paused = true }
    }
  }

  func run(shift: Nanoseconds) throws -> (SimulatedBoard, Events, TreatmentOutcome) {
    let description = try BoardFile.load(path: Paths.simBoard)
    let plan = try ProtocolFile.load(path: Paths.protocolFile("pancreas-2probe"), board: description)
    let settings = try #require(description.simulator)
    let board = SimulatedBoard(description: description, settings: settings, pace: .fast, seed: 1)
    board.place(plan.probes)
    board.footswitchA = true
    board.footswitchB = true
    let generator = PulseGenerator(
      board: description, gpio: ShiftedLines(board.gpio, shift: shift), bus: board.bus, clock: board.clock)
    let events = Events()
    let sequencer = TreatmentSequencer(
      plan: plan, generator: generator, operator: ScriptedOperator(patience: .seconds(20)), observer: events,
      limits: SafetyLimits(plan: plan, board: description))
    return (board, events, try sequencer.run())
  }

  @Test func edgesStampedInTheFutureAreNeverFiredOn() throws {
    let (board, events, outcome) = try run(shift: .milliseconds(300))
    #expect(board.fireEdges.isEmpty)
    #expect(events.skipped.contains { $0.reason == .implausibleTimestamp })
    #expect(events.paused, "no usable trigger: delivery pauses")
    #expect(outcome.name == "aborted")
  }

  @Test func edgesOlderThanTheLongestRRAreNeverFiredOn() throws {
    let (board, events, _) = try run(shift: .milliseconds(-2_000))
    #expect(board.fireEdges.isEmpty)
    #expect(events.skipped.contains { $0.reason == .notReady })
  }
}
