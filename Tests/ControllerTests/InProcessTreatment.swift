import Controller
import HAL
import Protocol
import Safety
import Sequencer
import Simulator
import Testing
import Units

/// A treatment run on the test's own thread on the simulated board, with the board file, the
/// lines and the operator as the test wants them, and every event kept: for tests that need
/// what `SimulationSession` does not expose (lines that misbehave, a board with another timing).
struct InProcessTreatment {
  /// Every event, in order, with the ones tests ask about picked out.
  final class Events: TreatmentObserver {
    var all: [TreatmentEvent] = []
    var skipped: [SkippedBeat] { all.compactMap { if case .skipped(let beat) = $0 { beat } else { nil } } }
    var pulses: [DeliveredPulse] { all.compactMap { if case .pulse(let pulse) = $0 { pulse } else { nil } } }
    var faults: [Fault] { all.compactMap { if case .fault(let fault, _, _) = $0 { fault } else { nil } } }
    var paused: Bool { all.contains { if case .state(.paused, _) = $0 { true } else { false } } }
    func treatment(_ event: TreatmentEvent) { all.append(event) }
  }

  var board: SimulatedBoard
  var events: Events
  var outcome: TreatmentOutcome

  /// Runs `protocolPath` on the simulated reference board (changed by `configure`), its lines
  /// seen through `lines`; `prepare` sees the board and the sequencer before the run.
  static func run(
    _ protocolPath: String, seed: UInt64 = 1, configure: (inout BoardDescription) -> Void = { _ in },
    lines: (SimulatedGPIO) -> any GPIOLines = { $0 }, patience: Nanoseconds = .seconds(20),
    prepare: (SimulatedBoard, TreatmentSequencer) -> Void = { _, _ in }
  ) throws -> InProcessTreatment {
    var description = try BoardFile.load(path: Paths.simBoard)
    configure(&description)
    let plan = try ProtocolFile.load(path: protocolPath, board: description)
    let board = SimulatedBoard(
      description: description, settings: try #require(description.simulator), pace: .fast, seed: seed)
    board.place(plan)
    board.footswitchA = true
    board.footswitchB = true
    let events = Events()
    let sequencer = TreatmentSequencer(
      plan: plan,
      generator: PulseGenerator(
        board: description, gpio: lines(board.gpio), bus: board.bus, clock: board.clock),
      operator: ScriptedOperator(patience: patience), observer: events,
      limits: SafetyLimits(plan: plan, board: description))
    prepare(board, sequencer)
    return InProcessTreatment(board: board, events: events, outcome: try sequencer.run())
  }
}
