import Controller
import HAL
import Protocol
import Safety
import Sequencer
import Simulator
import Testing
import Units

/// Trigger edges after edges the backend lost (the kernel's queue was full): the beat before
/// them is unknown, so none is fired on; each is a named skip, never a silent gap.
@Suite("Dropped trigger edges")
struct DroppedEdgeTests {
  /// The simulated lines, with every edge whose index `lossy` picks marked as coming after one
  /// lost edge.
  final class LossyLines: GPIOLines {
    let lines: any GPIOLines
    let lossy: (Int) -> Bool
    private(set) var marked: [Instant] = []
    private var edges = 0
    init(_ lines: any GPIOLines, lossy: @escaping (Int) -> Bool) {
      self.lines = lines
      self.lossy = lossy
    }
    func read(_ role: LineRole) throws -> Bool { try lines.read(role) }
    func write(_ role: LineRole, _ value: Bool) throws { try lines.write(role, value) }
    func nextEdge(on role: LineRole, notAfter deadline: Instant) throws -> Edge? {
      guard var edge = try lines.nextEdge(on: role, notAfter: deadline) else { return nil }
      if lossy(edges) {
        edge.lost = 1
        marked.append(edge.timestamp)
      }
      edges += 1
      return edge
    }
  }

  func run(lossy: @escaping (Int) -> Bool) throws -> (LossyLines, InProcessTreatment.Events, TreatmentOutcome)
  {
    var lossyLines: LossyLines?
    let run = try InProcessTreatment.run(
      Paths.protocolFile("pancreas-2probe"),
      lines: { gpio in
        let lines = LossyLines(gpio, lossy: lossy)
        lossyLines = lines
        return lines
      })
    return (try #require(lossyLines), run.events, run.outcome)
  }

  @Test func aBeatAfterLostEdgesIsSkippedAndNamed() throws {
    let (lines, events, outcome) = try run { $0 % 7 == 6 }
    let dropped = events.skipped.filter { $0.reason == .droppedEdges }
    #expect(!lines.marked.isEmpty)
    #expect(
      dropped.map(\.at) == lines.marked, "every edge after a loss is a dropped_edges skip, at its timestamp")
    #expect(
      Set(events.pulses.compactMap(\.trigger)).isDisjoint(with: lines.marked),
      "no pulse answers an edge after a loss")
    #expect(outcome.name == "completed")
  }

  @Test func onlyLostEdgesPauseDelivery() throws {
    let (lines, events, outcome) = try run { _ in true }
    #expect(events.pulses.compactMap(\.trigger).isEmpty)
    #expect(events.skipped.filter { $0.reason == .droppedEdges }.count >= 3)
    #expect(!lines.marked.isEmpty)
    #expect(
      events.paused, "a heart whose every trigger follows a loss gives no usable trigger: delivery pauses")
    #expect(outcome.name == "aborted")
  }
}
