import ArgumentParser
import Controller
import Foundation

/// `irectl bench ...`: measurements of the controller on this machine.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure the controller on this machine.", subcommands: [Timing.self, PlanBench.self])

  struct Timing: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Pulse timing of the real timing thread in real time, on the simulator or a test fixture.",
      discussion: """
        Reports, as exact percentiles, the pulse onset error (the pulse's instant, the clock read
        immediately before the call that raises pulse_fire, minus its scheduled instant), the
        trigger-to-fire latency error (instant minus trigger minus delay), the plain wake-up
        latency of absolute-deadline sleeps on the same thread in the same run, and where each
        pulse's time went on its way to the edge: the wake-up before the spin, the spin, the
        last look at the interlock lines, the fire write, a clock read. Where cyclictest
        (rt-tests) is installed, it runs right after on the same settings, as a second
        yardstick. Takes pulses / rate seconds, plus charging.
        """)

    @Option(
      help: "Pulses to deliver (1...1200; above 200, spread evenly over up to 6 probe pairs of at most 200).")
    var pulses = 60

    @Option(help: "Heartbeats, and so pulses, per second (0.5...4).")
    var rate = 1.0

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Simulator board file, or a Linux board file marked test_fixture: true.")
    var board: String = InstalledPaths.current.simulatorBoard

    @Flag(
      name: .customLong("compare-record"),
      help:
        "Run twice in one invocation, without and then with the SQLite record written ahead of every pulse.")
    var compareRecord = false

    @Option(
      help: ArgumentHelp(
        "Run again with this many consoles on the telemetry socket, one of them never reading (1...50).",
        valueName: "n"))
    var consoles: Int?

    func run() throws {
      #if DEBUG
        TerminalWriter.say("a debug build measures unoptimised code; build with `swift build -c release`")
      #endif
      let report: TimingBenchmark.Report
      var withRecord: TimingBenchmark.Report?
      var withConsoles: TimingBenchmark.Report?
      do {
        if let consoles, !(1...50).contains(consoles) {
          throw SessionError.invalidInput("--consoles: allowed 1...50; found \(consoles)")
        }
        report = try TimingBenchmark.run(pulses: pulses, rate: rate, boardPath: board, cyclictest: true)
        if let consoles {
          withConsoles = try TimingBenchmark.run(
            pulses: pulses, rate: rate, boardPath: board, consoles: consoles)
        }
        if compareRecord {
          let path = NSTemporaryDirectory() + "irectl-bench-record-\(getpid()).sqlite"
          defer { try? FileManager.default.removeItem(atPath: path) }
          withRecord = try TimingBenchmark.run(pulses: pulses, rate: rate, boardPath: board, recordPath: path)
        }
      } catch let error as SessionError {
        TerminalWriter.say("\(error)")
        switch error {
        case .invalidInput: throw ExitCode(2)
        case .environment: throw ExitCode(3)
        }
      }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let withConsoles {
          let comparison = Comparison(reports: [
            ("without_consoles", report), ("with_consoles", withConsoles),
          ])
          print(String(decoding: try encoder.encode(comparison), as: UTF8.self))
        } else if let withRecord {
          let comparison = Comparison(reports: [("without_record", report), ("with_record", withRecord)])
          print(String(decoding: try encoder.encode(comparison), as: UTF8.self))
        } else {
          print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        return
      }
      show(report, title: compareRecord ? "without the record" : consoles != nil ? "without consoles" : nil)
      if let withRecord { show(withRecord, title: "with the record written ahead of every pulse") }
      if let withConsoles, let load = withConsoles.consoles {
        show(
          withConsoles,
          title: "with \(load.reading + load.stalled) consoles connected (\(load.stalled) not reading)")
        print(
          "consoles: \(load.reading) read \(load.linesPerConsole) lines each; \(load.stalled) never read;"
            + " \(load.dropped) dropped by the server")
      }
    }

    func show(_ report: TimingBenchmark.Report, title: String?) {
      if let title { print("== \(title)") }
      print("timing thread: \(report.realtimeDetail)")
      print(
        "\(report.pulses) pulses at \(report.rateHz) Hz in \(report.durationS) s, \(report.skippedBeats) beats skipped"
      )
      func table(_ rows: [(String, TimingBenchmark.Percentiles)]) {
        print("latency (µs)                min      p50      p90      p99    p99.9      max    count")
        for (name, p) in rows {
          let cells = [p.min, p.p50, p.p90, p.p99, p.p999, p.max].map { String(format: "%8.2f", $0) }.joined(
            separator: " ")
          print(
            name.padding(toLength: 25, withPad: " ", startingAt: 0) + cells + String(format: " %8d", p.count))
        }
      }
      var rows = [
        ("onset error", report.onsetErrorUs), ("trigger-latency error", report.triggerLatencyErrorUs),
        ("plain wake-up", report.wakeupLatencyUs),
      ]
      if let cyclic = report.cyclictest?.latencyUs { rows.append(("cyclictest wake-up", cyclic)) }
      table(rows)
      if let cyclic = report.cyclictest {
        print("cyclictest: \(cyclic.command)\(cyclic.problem.map { ": \($0)" } ?? "")")
      }
      print("where each pulse's time went, from the sleep to the edge:")
      table(report.firePathUs.rows)
      print(
        String(
          format: "onset p99 / wake-up p99: %.3f; spin CPU: %.4f%% of a core", report.p99Ratio,
          report.spinCPUFraction * 100))
    }
  }
}

/// Two runs of the benchmark side by side, under the names of the conditions compared.
struct Comparison: Encodable {
  var reports: [(String, TimingBenchmark.Report)]

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    for (name, report) in reports { try container.encode(report, forKey: Key(stringValue: name)) }
  }
}
