import Controller
import Foundation
import Record
import Sequencer
import Simulator
import Testing
import Units

/// Pause and abort sent to a running treatment through its command ring.
@Suite("Commands to a running treatment")
struct TreatmentCommandTests {
  func run(sending command: TreatmentCommand, at seconds: Double, record: String? = nil) throws
    -> SimulationResult
  {
    final class Box: @unchecked Sendable { var sequencer: TreatmentSequencer? }
    let box = Box()
    return try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 3,
        recordPath: record, showProgress: false),
      prepare: { board in
        board.clock.schedule(at: Instant(sinceOrigin: .seconds(seconds))) {
          box.sequencer?.inbox.push(command)
        }
      },
      attach: { box.sequencer = $0 })
  }

  @Test func abortEndsTheTreatmentSafeWithItsReason() throws {
    let result = try run(sending: .abort(reason: "test abort"), at: 40)
    #expect(result.summary.outcome == "aborted")
    #expect(result.summary.abortReason == "test abort")
    #expect(result.summary.pulses.allSatisfy { $0.firedMs < 40_000 })
    #expect(result.summary.pulses.count > 10)
    #expect(result.finalBankVoltage < Volts(50))
  }

  @Test func pauseStopsDeliveryUntilTheOperatorResumes() throws {
    let path = Paths.temporary("pause-record.sqlite")
    defer { Paths.removeRecord(path) }
    let result = try run(sending: .pause, at: 40, record: path)
    #expect(result.summary.outcome == "completed", "the scripted operator resumes an operator pause")
    let record = try TreatmentRecord(path: path)
    let session = try #require(try record.sessions().first?.session)
    let paused = try record.rows(of: session).first {
      $0.table == "state_changes" && $0.values["state"] == .text("paused")
    }
    guard case .real(let at)? = paused?.values["at_ms"] else {
      Issue.record("no pause in the record")
      return
    }
    #expect(paused?.values["cause"] == .text("operator_pause"))
    #expect(at >= 40_000 && at < 40_003, "taken within one 2 ms watchdog slice")
    #expect(result.summary.pulses.count == 100)
  }
}
