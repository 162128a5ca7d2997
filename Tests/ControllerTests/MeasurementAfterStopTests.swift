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
  /// The short fixture on a board whose supervisor posts its measurements 20 ms after a train
  /// (as the kernel-test VM's does): a command can be taken while a train is measured.
  func run(
    _ prepare: (SimulatedBoard, TreatmentSequencer) -> Void
  ) throws -> (SimulatedBoard, InProcessTreatment.Events, TreatmentOutcome) {
    let run = try InProcessTreatment.run(
      Paths.fixture("short-fixed-rate"), configure: { $0.timing.supervisorLatency = Microseconds(20_000) },
      patience: .seconds(10), prepare: prepare)
    return (run.board, run.events, run.outcome)
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
