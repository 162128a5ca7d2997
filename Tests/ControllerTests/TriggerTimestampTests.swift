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

  func run(shift: Nanoseconds) throws -> InProcessTreatment {
    try InProcessTreatment.run(
      Paths.protocolFile("pancreas-2probe"), lines: { ShiftedLines($0, shift: shift) })
  }

  @Test func edgesStampedInTheFutureAreNeverFiredOn() throws {
    let run = try run(shift: .milliseconds(300))
    #expect(run.board.fireEdges.isEmpty)
    #expect(run.events.skipped.contains { $0.reason == .implausibleTimestamp })
    #expect(run.events.paused, "no usable trigger: delivery pauses")
    #expect(run.outcome.name == "aborted")
  }

  @Test func edgesOlderThanTheLongestRRAreNeverFiredOn() throws {
    let run = try run(shift: .milliseconds(-2_000))
    #expect(run.board.fireEdges.isEmpty)
    #expect(run.events.skipped.contains { $0.reason == .notReady })
  }
}
