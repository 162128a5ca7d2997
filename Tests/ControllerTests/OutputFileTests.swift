import Controller
import Foundation
import Testing

/// Outputs the user asked for: checked before the treatment, failures reported, never silent.
@Suite("Summary and record files")
struct OutputFileTests {
  func options(summary: String? = nil, record: String? = nil) -> SimulationOptions {
    SimulationOptions(
      protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, summaryPath: summary,
      recordPath: record, showProgress: false)
  }

  @Test func unwritableSummaryFailsBeforeAnyPulse() {
    var pulsed = false
    #expect {
      try SimulationSession.run(options(summary: "/nonexistent-directory/summary.json")) { board in
        board.clock.schedule(at: board.clock.now) { pulsed = true }
      }
    } throws: { error in
      guard case SessionError.environment(let text) = error else { return false }
      return text.contains("cannot write the summary /nonexistent-directory/summary.json")
    }
    #expect(!pulsed, "the board was never even prepared")
  }

  @Test func aRecordThatCannotBeWrittenIsReported() throws {
    #expect {
      try SimulationSession.run(options(record: "/dev/full"))
    } throws: { error in
      guard case SessionError.environment(let text) = error else { return false }
      return text.contains("cannot open the record /dev/full")
    }
  }
}
