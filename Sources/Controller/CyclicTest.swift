import Foundation
import Units

/// cyclictest (Debian's rt-tests), where it is installed: the wake-up latency the kernel gives
/// a plain SCHED_FIFO thread sleeping to absolute deadlines, on the benchmark's settings
/// (priority, interval, locked memory), run right after the benchmark. A second yardstick
/// beside the benchmark's own plain wake-up, from a tool that is not ours.
public enum CyclicTest {
  public struct Result: Codable, Equatable, Sendable {
    /// The command run.
    public var command: String
    /// Its wake-up latencies, from its histogram (1 µs bins); nil when it did not run.
    public var latencyUs: TimingBenchmark.Percentiles?
    /// Why there are no latencies (it failed, or printed no histogram).
    public var problem: String?

    enum CodingKeys: String, CodingKey {
      case command
      case latencyUs = "latency_us"
      case problem
    }
  }

  /// The installed cyclictest, if any, found on PATH.
  public static func installed() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/cyclictest"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// The arguments for `loops` wake-ups every `interval` at `priority` (SCHED_FIFO, memory
  /// locked), pinned to `cpu` when given; the histogram reaches 10 ms.
  static func arguments(priority: Int, interval: Nanoseconds, loops: Int, cpu: Int?) -> [String] {
    var arguments = [
      "-q", "-m", "--policy=fifo", "-p", "\(priority)", "-t", "1", "-i", "\(interval.value / 1000)",
      "-l", "\(loops)", "-h", "10000",
    ]
    if let cpu { arguments += ["-a", "\(cpu)"] }
    return arguments
  }

  /// Runs it; nil when it is not installed.
  public static func run(priority: Int, interval: Nanoseconds, loops: Int, cpu: Int?) -> Result? {
    guard let executable = installed() else { return nil }
    let arguments = arguments(priority: priority, interval: interval, loops: loops, cpu: cpu)
    let command = (["cyclictest"] + arguments).joined(separator: " ")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    do {
      try process.run()
    } catch {
      return Result(command: command, latencyUs: nil, problem: "cannot run: \(error)")
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let last = text.split(separator: "\n").last.map(String.init) ?? ""
      return Result(command: command, latencyUs: nil, problem: "exit \(process.terminationStatus): \(last)")
    }
    return parse(text, command: command)
  }

  /// The histogram's last bin, in microseconds (`-h`).
  static let histogramLimitUs: Int64 = 10_000

  /// Reads cyclictest's histogram (`-h`): lines of "microseconds count", its summary's maximum
  /// (which may lie past the histogram's last bin) and its overflows (wake-ups past the last
  /// bin, which no bin counts): each overflow is a sample at the maximum, never left out, so
  /// that a tail past 10 ms shows in the percentiles.
  static func parse(_ text: String, command: String) -> Result {
    var samples: [Int64] = []
    var maximum: Int64?
    var overflows = 0
    func value(_ line: Substring) -> Int64? {
      line.split(separator: ":").last.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }
    for line in text.split(separator: "\n") {
      if line.hasPrefix("# Max Latencies:") {
        maximum = value(line)
        continue
      }
      if line.hasPrefix("# Histogram Overflows:") {
        overflows = value(line).map { Int(clamping: $0) } ?? 0
        continue
      }
      let fields = line.split(separator: " ")
      guard fields.count == 2, let bin = Int64(fields[0]), let count = Int(fields[1]), count > 0 else {
        continue
      }
      samples.append(contentsOf: repeatElement(bin * 1000, count: count))
    }
    if overflows > 0 {
      let past = max(maximum ?? histogramLimitUs, histogramLimitUs)
      samples.append(contentsOf: repeatElement(past * 1000, count: overflows))
    }
    guard !samples.isEmpty else {
      return Result(command: command, latencyUs: nil, problem: "no histogram in its output")
    }
    var latency = TimingBenchmark.Percentiles(samples)
    if let maximum { latency.max = max(latency.max, Double(maximum)) }
    return Result(command: command, latencyUs: latency, problem: nil)
  }
}
