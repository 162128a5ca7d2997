import Testing
import Units

@testable import Controller

/// cyclictest's histogram read into the benchmark's percentiles (its output as rt-tests 2.5
/// prints it with `-q -h`).
@Suite("cyclictest output")
struct CyclicTestTests {
  static let output = """
    # /dev/cpu_dma_latency set to 0us
    # Histogram
    000009 000001
    000010 000002
    000011 000000
    000020 000096
    000045 000001
    # Total: 000000100
    # Min Latencies: 00009
    # Avg Latencies: 00020
    # Max Latencies: 00120
    # Histogram Overflows: 00000
    """

  @Test func theHistogramGivesThePercentilesAndTheSummaryTheMaximum() throws {
    let result = CyclicTest.parse(Self.output, command: "cyclictest")
    let latency = try #require(result.latencyUs)
    #expect(latency.count == 100)
    #expect(latency.min == 9)
    #expect(latency.p50 == 20)
    #expect(latency.p99 == 20)
    #expect(latency.max == 120, "a wake-up past the histogram's last bin")
    #expect(result.problem == nil)
  }

  /// Wake-ups past the last bin are in no bin; they count, at the maximum, so that a tail
  /// past 10 ms is not read as a quiet machine.
  @Test func overflowsPastTheLastBinCountAtTheMaximum() throws {
    let text = Self.output
      .replacingOccurrences(of: "# Max Latencies: 00120", with: "# Max Latencies: 15000")
      .replacingOccurrences(of: "# Histogram Overflows: 00000", with: "# Histogram Overflows: 00004")
    let latency = try #require(CyclicTest.parse(text, command: "cyclictest").latencyUs)
    #expect(latency.count == 104)
    #expect(latency.max == 15_000)
    #expect(latency.p99 == 15_000, "four of 104 wake-ups past the histogram make its p99")
  }

  @Test func noHistogramIsAProblemNotAZero() {
    let result = CyclicTest.parse(
      "T: 0 ( 1234) P:80 I:2000 C: 100 Min: 9 Act: 20 Avg: 20 Max: 45\n", command: "cyclictest")
    #expect(result.latencyUs == nil)
    #expect(result.problem != nil)
  }

  @Test func theBenchmarksSettingsAreItsArguments() {
    let arguments = CyclicTest.arguments(priority: 80, interval: .milliseconds(2), loops: 500, cpu: 1)
    #expect(arguments.joined(separator: " ") == "-q -m --policy=fifo -p 80 -t 1 -i 2000 -l 500 -h 10000 -a 1")
  }
}
