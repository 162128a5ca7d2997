import Controller
import Foundation
import Simulator
import Testing
import Units

/// Every anomaly of the simulated heart and trigger monitor: no pulse outside its window, no
/// pulse on an abnormal trigger, and each anomaly in the summary as a skipped beat with its
/// reason.
@Suite("Heart anomalies")
struct HeartAnomalyTests {
  func run(_ anomalies: HeartAnomalies, seed: UInt64 = 11, protocolName: String = "liver-4probe-box") throws
    -> SimulationResult
  {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile(protocolName), boardPath: Paths.simBoard, seed: seed,
        heartAnomalies: anomalies, showProgress: false))
  }

  /// Milliseconds as the summary gives them (to the microsecond).
  static func ms(_ instant: Instant) -> Double { (instant.sinceOrigin.milliseconds * 1000).rounded() / 1000 }

  /// The checks every anomaly run must pass.
  func expectSafe(_ result: SimulationResult, sourceLocation: SourceLocation = #_sourceLocation) {
    for pulse in result.summary.pulses {
      let delay = pulse.firedMs - (pulse.triggerMs ?? -1e9)
      #expect(delay >= 50 && delay <= 60, "pulse \(pulse.index): \(delay) ms", sourceLocation: sourceLocation)
    }
    let abnormal = Set(
      result.board.heart.events.filter { [.ectopic, .compensatory, .tWave].contains($0.kind) }.map {
        Self.ms($0.at)
      })
    let onAbnormal = result.summary.pulses.filter { abnormal.contains($0.triggerMs ?? -1) }
    #expect(
      onAbnormal.isEmpty, "pulses on abnormal triggers: \(onAbnormal.map(\.index))",
      sourceLocation: sourceLocation)
  }

  /// Each abnormal trigger edge before the last pulse is in the summary as a skip at its own
  /// instant, with one of `reasons`.
  func expectSkipped(
    _ result: SimulationResult, kind: HeartEvent.Kind, reasons: Set<String>,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let end = result.summary.pulses.last?.firedMs ?? 0
    // An ectopic beat that fell in a lead-off or asystole window never reached the monitor.
    let edges = Set(result.board.heart.edges.map(Self.ms))
    let events = result.board.heart.events.filter {
      $0.kind == kind && Self.ms($0.at) < end && edges.contains(Self.ms($0.at))
    }
    #expect(!events.isEmpty, "the run had \(kind) events", sourceLocation: sourceLocation)
    let skips = Dictionary(grouping: result.summary.skipped, by: \.atMs)
    for event in events {
      let found = skips[Self.ms(event.at)]?.map(\.reason) ?? []
      #expect(
        found.contains(where: reasons.contains), "\(kind) at \(Self.ms(event.at)) ms: skipped as \(found)",
        sourceLocation: sourceLocation)
    }
  }

  @Test func tWaveDoubleTriggersAreSkipped() throws {
    let result = try run(HeartAnomalies(tWaveProbability: 0.3))
    #expect(result.summary.outcome == "completed")
    expectSafe(result)
    expectSkipped(result, kind: .tWave, reasons: ["double_trigger"])
  }

  @Test func ectopicBeatsAndTheirPausesAreSkipped() throws {
    let result = try run(HeartAnomalies(ectopicProbability: 0.1))
    #expect(result.summary.outcome == "completed")
    expectSafe(result)
    expectSkipped(result, kind: .ectopic, reasons: ["ectopic", "no_reference"])
    expectSkipped(result, kind: .compensatory, reasons: ["ectopic", "no_reference", "heart_rate"])
  }

  @Test func asystoleSkipsMissedBeatsPausesAndResumes() throws {
    let window = HeartAnomalies.Window(start: Instant(sinceOrigin: .seconds(40)), duration: .seconds(6))
    let result = try run(HeartAnomalies(asystole: [window]))
    #expect(result.summary.outcome == "completed")
    expectSafe(result)
    let missed = result.summary.skipped.filter { $0.reason == "missed_beat" }
    #expect(missed.count >= 3, "6 s without a beat at max RR 1.5 s")
    #expect(missed.allSatisfy { $0.atMs > 40_000 && $0.atMs < 48_000 })
    #expect(result.summary.pulses.allSatisfy { $0.firedMs < 40_000 || $0.firedMs > 46_000 })
  }

  @Test func leadOffIsLikeNoBeat() throws {
    let window = HeartAnomalies.Window(start: Instant(sinceOrigin: .seconds(70)), duration: .seconds(4))
    let result = try run(HeartAnomalies(leadOff: [window]))
    expectSafe(result)
    #expect(
      result.summary.skipped.contains { $0.reason == "missed_beat" && $0.atMs > 70_000 && $0.atMs < 76_000 })
    #expect(result.summary.pulses.allSatisfy { $0.firedMs < 70_000 || $0.firedMs > 74_000 })
  }

  @Test func heartRateDriftIsFollowed() throws {
    let result = try run(HeartAnomalies(driftBPMPerMinute: 4), protocolName: "pancreas-2probe")
    #expect(result.summary.outcome == "completed")
    expectSafe(result)
    let triggers = result.summary.pulses.compactMap(\.triggerMs)
    let early = triggers[2] - triggers[1]
    let late = triggers[triggers.count - 1] - triggers[triggers.count - 2]
    #expect(late < early * 0.95, "the rate rose: \(early) ms -> \(late) ms")
  }

  @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6], [false, true])
  func everythingAtOnce(seed: UInt64, recorded: Bool) throws {
    // Each test case has its own file: the cases run in parallel.
    let path = Paths.temporary("anomalies-rr-\(seed)-\(recorded).txt")
    if recorded {
      try HeartReplayTests.realLookingSeries(count: 2000).write(
        toFile: path, atomically: true, encoding: .utf8)
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    let anomalies = HeartAnomalies(
      ectopicProbability: 0.05, tWaveProbability: 0.1, driftBPMPerMinute: recorded ? 0 : 2,
      asystole: [.init(start: Instant(sinceOrigin: .seconds(100)), duration: .seconds(5))],
      leadOff: [.init(start: Instant(sinceOrigin: .seconds(200)), duration: .seconds(5))])
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("liver-4probe-box"), boardPath: Paths.simBoard, seed: seed,
        rrFile: recorded ? path : nil, heartAnomalies: anomalies, showProgress: false))
    #expect(result.summary.outcome == "completed")
    expectSafe(result)
    expectSkipped(result, kind: .tWave, reasons: ["double_trigger"])
    expectSkipped(result, kind: .ectopic, reasons: ["ectopic", "no_reference", "double_trigger"])
    expectSkipped(result, kind: .compensatory, reasons: ["ectopic", "no_reference", "heart_rate"])
  }
}
