import Controller
import Foundation
import Testing

/// `--record`: the intent of every pulse is in the record before its outcome.
@Suite("Write-ahead record")
struct JSONLinesRecordTests {
  @Test func everyPulseHasItsIntentWrittenFirstAndEveryLineNamesTheBackend() throws {
    let path = Paths.temporary("record.jsonl")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 9,
        recordPath: path,
        showProgress: false))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = try text.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    #expect(lines.first?["event"] as? String == "session_start")
    #expect(lines.last?["event"] as? String == "session_end")
    #expect(lines.last?["outcome"] as? String == "completed")
    #expect(lines.allSatisfy { $0["backend"] as? String == "simulator" })
    var intended: Set<Int> = []
    var pulses = 0
    for line in lines {
      switch line["event"] as? String {
      case "intent": intended.insert(line["index"] as? Int ?? -1)
      case "pulse":
        pulses += 1
        #expect(
          intended.contains(line["index"] as? Int ?? -2), "pulse \(line["index"] ?? "?") before its intent")
      default: break
      }
    }
    #expect(pulses == result.summary.pulses.count)
    #expect(intended.count == pulses)
  }

  @Test func unwritableRecordIsAnEnvironmentError() {
    #expect {
      try SimulationSession.run(
        SimulationOptions(
          protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard,
          recordPath: "/nonexistent-directory/record.jsonl", showProgress: false))
    } throws: { error in
      guard case SessionError.environment(let text) = error else { return false }
      return text.contains("/nonexistent-directory/record.jsonl")
    }
  }
}
