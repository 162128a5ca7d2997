import Controller
import Foundation
import Protocol
import Safety
import Sequencer
import Simulator
import Testing
import Units

/// What a train's measurement shows is said whatever stopped delivery while the train was
/// measured, and relays that a pause caught moving are switched in before anything charges.
@Suite("Measurements and switches that a stop cuts across")
struct MeasurementAfterStopTests {
  final class Events: TreatmentObserver {
    var faults: [Fault] = []
    var pulses: [DeliveredPulse] = []
    func treatment(_ event: TreatmentEvent) {
      if case .fault(let fault, _, _) = event { faults.append(fault) }
      if case .pulse(let pulse) = event { pulses.append(pulse) }
    }
  }

  /// The short fixture on a board whose supervisor posts its measurements 20 ms after a train
  /// (as the kernel-test VM's does): a command can be taken while a train is measured.
  func run(
    _ prepare: (SimulatedBoard, TreatmentSequencer) -> Void
  ) throws -> (SimulatedBoard, Events, TreatmentOutcome) {
    var description = try BoardFile.load(path: Paths.simBoard)
    description.timing.supervisorLatency = Microseconds(20_000)
    let plan = try ProtocolFile.load(path: Paths.fixture("short-fixed-rate"), board: description)
    let board = SimulatedBoard(
      description: description, settings: try #require(description.simulator), pace: .fast, seed: 1)
    board.place(plan.probes)
    board.footswitchA = true
    board.footswitchB = true
    let events = Events()
    let sequencer = TreatmentSequencer(
      plan: plan,
      generator: PulseGenerator(board: description, gpio: board.gpio, bus: board.bus, clock: board.clock),
      operator: ScriptedOperator(patience: .seconds(10)), observer: events,
      limits: SafetyLimits(plan: plan, board: description))
    prepare(board, sequencer)
    return (board, events, try sequencer.run())
  }

  @Test func anOverCurrentMeasuredAfterAnAbortIsStillSaid() throws {
    let (baseline, _, _) = try run { _, _ in }
    let edge = baseline.fireEdges[2]
    let (board, events, outcome) = try run { board, sequencer in
      board.inject(FaultSpec(kind: .overcurrent, when: .pulse(2)))
      board.clock.schedule(at: edge + .milliseconds(5)) {
        sequencer.inbox.push(.abort(reason: "abort while the train is measured"))
      }
    }
    #expect(outcome.name == "aborted")
    #expect(board.fireEdges.count == 3)
    #expect(
      events.pulses.last?.current.map { $0 > Amperes(50) } == true, "the third pulse drew the over-current")
    #expect(events.faults.contains { $0.interlock == .overCurrent }, "\(events.faults)")
  }

  @Test func aPauseWhileTheRelaysMoveDoesNotLeaveThemUnswitched() throws {
    // Step 65: the first switch, the relays commanded and settling.
    let (board, events, outcome) = try run { board, sequencer in
      board.schedule(.step(65)) { sequencer.inbox.push(.pause) }
    }
    #expect(outcome.name == "completed", "\(events.faults)")
    #expect(!events.faults.contains { $0.interlock == .relayReadback })
    #expect(board.fireEdges.count == 5)
  }
}
