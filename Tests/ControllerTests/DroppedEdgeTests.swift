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

  final class Events: TreatmentObserver {
    var skipped: [SkippedBeat] = []
    var triggers: [Instant] = []
    var paused = false
    func treatment(_ event: TreatmentEvent) {
      if case .skipped(let beat) = event { skipped.append(beat) }
      if case .pulse(let pulse) = event, let trigger = pulse.trigger { triggers.append(trigger) }
      if case .state(.paused, _) = event { paused = true }
    }
  }

  func run(lossy: @escaping (Int) -> Bool) throws -> (LossyLines, Events, TreatmentOutcome) {
    let description = try BoardFile.load(path: Paths.simBoard)
    let plan = try ProtocolFile.load(path: Paths.protocolFile("pancreas-2probe"), board: description)
    let settings = try #require(description.simulator)
    let board = SimulatedBoard(description: description, settings: settings, pace: .fast, seed: 1)
    board.place(plan.probes)
    board.footswitchA = true
    board.footswitchB = true
    let lines = LossyLines(board.gpio, lossy: lossy)
    let generator = PulseGenerator(board: description, gpio: lines, bus: board.bus, clock: board.clock)
    let events = Events()
    let sequencer = TreatmentSequencer(
      plan: plan, generator: generator, operator: ScriptedOperator(patience: .seconds(20)), observer: events,
      limits: SafetyLimits(plan: plan, board: description))
    return (lines, events, try sequencer.run())
  }

  @Test func aBeatAfterLostEdgesIsSkippedAndNamed() throws {
    let (lines, events, outcome) = try run { $0 % 7 == 6 }
    let dropped = events.skipped.filter { $0.reason == .droppedEdges }
    #expect(!lines.marked.isEmpty)
    #expect(
      dropped.map(\.at) == lines.marked, "every edge after a loss is a dropped_edges skip, at its timestamp")
    #expect(Set(events.triggers).isDisjoint(with: lines.marked), "no pulse answers an edge after a loss")
    #expect(outcome.name == "completed")
  }

  @Test func onlyLostEdgesPauseDelivery() throws {
    let (lines, events, outcome) = try run { _ in true }
    #expect(events.triggers.isEmpty)
    #expect(events.skipped.filter { $0.reason == .droppedEdges }.count >= 3)
    #expect(!lines.marked.isEmpty)
    #expect(
      events.paused, "a heart whose every trigger follows a loss gives no usable trigger: delivery pauses")
    #expect(outcome.name == "aborted")
  }
}
