import Controller
import Foundation
import Simulator
import Testing
import Units

/// `--rr-file`: a recorded RR series drives the simulated trigger monitor.
@Suite("Recorded RR series")
struct HeartReplayTests {
  /// A real-looking series: 560–1200 ms, drifting slowly, modulated by breathing, with
  /// beat-to-beat noise of a few percent.
  static func realLookingSeries(count: Int) -> String {
    var random = SeededGenerator(seed: 2024)
    var lines = ["# RR intervals in ms, one per line"]
    var rr = 850.0
    for n in 0..<count {
      rr += 25 * sin(Double(n) / 3) + (random.unit() - 0.5) * 60
      rr = min(max(rr, 560), 1200)
      lines.append(String(Int(rr)))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test func replayedSeriesDrivesTheTriggersAndEveryPulseIsInItsWindow() throws {
    let path = Paths.temporary("rr-ok.txt")
    try Self.realLookingSeries(count: 400).write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let intervals = try RRSeries.load(path: path)
    #expect(intervals.count == 400)
    #expect(intervals.allSatisfy { (560...1200).contains($0.value) })

    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, rrFile: path,
        showProgress: false))
    #expect(result.summary.outcome == "completed")
    let triggers = result.summary.pulses.compactMap(\.triggerMs)
    #expect(triggers.count == 100)
    for pulse in result.summary.pulses {
      let delay = pulse.firedMs - (pulse.triggerMs ?? -1000)
      #expect(delay >= 50 && delay <= 60)
    }
    // Every used trigger lies on the recorded beat grid: its distance from the first used
    // trigger is a sum of consecutive recorded intervals, starting at one of the first beats.
    let beats = intervals.reduce(into: [0]) { $0.append(($0.last ?? 0) + $1.value) }
    let grid = Set(beats)
    let first = triggers[0]
    let aligned = (0..<10).contains { start in
      triggers.allSatisfy { grid.contains(Int(($0 - first).rounded()) + beats[start]) }
    }
    #expect(aligned)
  }

  @Test func runningOutIsAnErrorAfterTheSummaryIsWritten() throws {
    let path = Paths.temporary("rr-short.txt")
    let summaryPath = Paths.temporary("rr-short-summary.json")
    try "800\n900\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer {
      try? FileManager.default.removeItem(atPath: path)
      try? FileManager.default.removeItem(atPath: summaryPath)
    }
    #expect {
      try SimulationSession.run(
        SimulationOptions(
          protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, rrFile: path,
          summaryPath: summaryPath, showProgress: false))
    } throws: { error in
      guard case SessionError.invalidInput(let text) = error else { return false }
      return text.contains("ran out after its 2 intervals")
    }
    let summary = try JSONDecoder().decode(
      TreatmentSummary.self, from: try Data(contentsOf: URL(fileURLWithPath: summaryPath)))
    #expect(summary.outcome == "aborted")
    #expect(summary.abortReason?.contains("ran out") == true)
    #expect(summary.finalBankV.map { $0 < 50 } == true)
  }

  /// A file over the limit is refused by its size before it is read; a device that never ends
  /// is read no further than the limit. Both name the limit.
  @Test func aFileOverTheLimitIsRefusedNamingIt() throws {
    let path = Paths.temporary("rr-large.txt")
    let line = "800\n"
    try String(repeating: line, count: RRSeries.fileBytes / line.utf8.count + 1)
      .write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
      try RRSeries.load(path: path)
    } throws: { error in
      String(describing: error).hasSuffix(
        "larger than the limit (allowed: at most 1048576 bytes (1 MiB); found: 1048580 bytes)")
    }
    #expect {
      try RRSeries.load(path: "/dev/zero")
    } throws: { error in
      String(describing: error).hasSuffix("found: more than 1048576 bytes)")
    }
    // A file of exactly the limit is a series like any other.
    try String(repeating: line, count: RRSeries.fileBytes / line.utf8.count)
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try RRSeries.load(path: path).count == RRSeries.fileBytes / line.utf8.count)
  }

  @Test func windowsLineEndingsAreLinesToo() throws {
    #expect(
      try RRSeries.parse("# RR\r\n800\r\n900\r\n", file: "rr.txt") == [Milliseconds(800), Milliseconds(900)])
  }

  @Test(arguments: [("abc", "\"abc\""), ("120", "\"120\""), ("nan", "\"nan\""), ("", "no intervals")])
  func badSeriesNameLineAndValue(text: String, found: String) {
    #expect {
      try RRSeries.parse(text, file: "rr.txt")
    } throws: { error in
      String(describing: error).hasSuffix("found: \(found))")
    }
  }
}
