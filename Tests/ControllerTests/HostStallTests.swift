import Controller
import Foundation
import Testing

/// The repeat of real-time tests whose treatment the machine stalled (`HostStall`), on
/// treatments the simulator stalls on purpose (`--fault stall`, on the virtual clock): a stalled
/// attempt runs again and what it found is a known issue; the last attempt counts whatever its
/// end; an attempt that did not stall is the last.
@Suite(.serialized) struct HostStallTests {
  /// Runs the short protocol on the virtual clock, its timing thread stalled 80 ms at 2 s when
  /// `stall`; returns its summary's path.
  static func treatment(_ name: String, stall: Bool) throws -> String {
    let directory = Paths.temporary(name)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let protocolPath = directory + "/kill-test.yaml"
    try KillTests.fastProtocol.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    let summary = directory + "/summary.json"
    let (_, _, error) = try HardwareCommandTests.irectl(
      ["simulate", protocolPath, "--board", Paths.simBoard, "--record", directory + "/record.sqlite"]
        + ["--summary-json", summary] + (stall ? ["--fault", "stall:80@t=2"] : []))
    #expect(FileManager.default.fileExists(atPath: summary), "\(error)")
    return summary
  }

  @Test func aStalledAttemptRunsAgainAndWhatItFoundIsAKnownIssue() throws {
    let name = "host-stall"
    let attempts = Locked(0)
    defer {
      for attempt in 1...HostStall.attempts {
        try? FileManager.default.removeItem(atPath: Paths.temporary(HostStall.named(name, attempt)))
      }
    }
    try HostStall.run(name, summary: { Paths.temporary(HostStall.named(name, $0)) + "/summary.json" }) {
      attempt in
      attempts.mutate { $0 += 1 }
      let summary = try Self.treatment(HostStall.named(name, attempt), stall: attempt < HostStall.attempts)
      let decoded = try JSONDecoder().decode(
        TreatmentSummary.self, from: Data(contentsOf: URL(fileURLWithPath: summary)))
      // Fails in the stalled attempts (known issues), holds in the last.
      #expect(decoded.outcome == "completed")
    }
    #expect(attempts.value == HostStall.attempts)
  }

  @Test func anAttemptThatDidNotStallIsTheLast() throws {
    let name = "host-stall-none"
    let attempts = Locked(0)
    defer { try? FileManager.default.removeItem(atPath: Paths.temporary(name)) }
    try HostStall.run(name, summary: { Paths.temporary(HostStall.named(name, $0)) + "/summary.json" }) {
      attempt in
      attempts.mutate { $0 += 1 }
      _ = try Self.treatment(HostStall.named(name, attempt), stall: false)
    }
    #expect(attempts.value == 1)
  }

  @Test func aTreatmentThatStallsEveryTimeEndsTheRepeatStalled() throws {
    let name = "host-stall-always"
    defer {
      for attempt in 1...HostStall.attempts {
        try? FileManager.default.removeItem(atPath: Paths.temporary(HostStall.named(name, attempt)))
      }
    }
    var attempts: [Int] = []
    let summary = try HostStall.attempt(
      name,
      { attempt in
        attempts.append(attempt)
        return try Self.treatment(HostStall.named(name, attempt), stall: true)
      }, stalled: { HostStall.timingFault(summary: $0) })
    #expect(attempts == [1, 2, 3])
    #expect(HostStall.timingFault(summary: summary), "the last attempt's outcome is returned, stalled")
  }
}
