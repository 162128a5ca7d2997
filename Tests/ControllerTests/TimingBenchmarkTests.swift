import Foundation
import Protocol
import Testing

@testable import Controller

/// `irectl bench timing` runs end to end (a few pulses, in real time). The numbers it measures
/// are written down in docs/performance.md, not asserted here: a test asserts what must hold on
/// any machine.
@Suite("Timing benchmark")
struct TimingBenchmarkTests {
  @Test func aShortRunReportsEveryFigure() throws {
    let report = try TimingBenchmark.run(pulses: 3, rate: 2, boardPath: Paths.simBoard)
    #expect(report.pulses == 3)
    #expect(report.onsetErrorUs.count == 3)
    #expect(report.triggerLatencyErrorUs.count == 3)
    #expect(report.wakeupLatencyUs.count > 100, "every 2 ms slice is a wake-up sample")
    #expect(report.onsetErrorUs.min >= -1, "no pulse leaves more than 1 µs before its instant")
    #expect(report.onsetErrorUs.max >= report.onsetErrorUs.p99)
    #expect(report.onsetErrorUs.max < 10_000, "a pulse fires inside its 10 ms window or not at all")
    #expect((0...1).contains(report.spinCPUFraction))
    let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
    #expect(report.firePathUs.lastLook.count == 3)
    #expect(report.firePathUs.fireWrite.count == 3)
    #expect(report.onsetErrorUs.min <= report.onsetErrorUs.p50)
    for key in [
      "onset_error_us", "trigger_latency_error_us", "wakeup_latency_us", "spin_cpu_fraction", "realtime",
      "p999", "min", "fire_path_us", "last_look", "fire_write", "wake_up",
    ] {
      #expect(json.contains("\"\(key)\""))
    }
  }

  /// A protocol gives a pair at most 200 pulses: more are spread over pairs, and a count that
  /// does not spread evenly is refused under `--pulses`, never as a protocol error the user
  /// never wrote.
  @Test func manyPulsesAreSpreadOverPairsOrRefusedByTheirOption() throws {
    let board = try BoardFile.load(path: Paths.simBoard)
    var raised = board
    raised.limits.maxPulsesPerTreatment = 1200
    for pulses in [1, 200, 480, 600, 1200] {
      let plan = try ProtocolFile.decode(
        yaml: TimingBenchmark.protocolText(pulses: pulses, rate: 4), file: "bench-timing", board: raised)
      #expect(plan.pairs.count * plan.therapy.pulses == pulses)
    }
    for pulses in [601, 1201] {
      do {
        _ = try TimingBenchmark.run(pulses: pulses, rate: 4, boardPath: Paths.simBoard)
        Issue.record("\(pulses) pulses accepted")
      } catch let error as SessionError {
        #expect("\(error)".hasPrefix("--pulses:"), "\(error)")
      }
    }
  }

  /// A generator's own board file: refused with the reason, before anything is opened.
  @Test func aGeneratorsBoardFileIsRefused() {
    do {
      _ = try TimingBenchmark.run(pulses: 5, rate: 1, boardPath: Paths.config("boards/reference.yaml"))
      Issue.record("the benchmark ran on a generator's board file")
    } catch {
      #expect("\(error)".contains("nothing opened or charged"), "\(error)")
    }
  }

  @Test func outOfRangeArgumentsAreRefused() {
    #expect(throws: SessionError.self) {
      try TimingBenchmark.run(pulses: 0, rate: 1, boardPath: Paths.simBoard)
    }
    #expect(throws: SessionError.self) {
      try TimingBenchmark.run(pulses: 5, rate: 9, boardPath: Paths.simBoard)
    }
  }
}
