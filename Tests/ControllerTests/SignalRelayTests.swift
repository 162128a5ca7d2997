import Controller
import Foundation
import Record
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built irectl, in real time, losing its terminal or getting the signals a terminal sends:
/// a terminal gone does not stop the treatment; SIGHUP and SIGQUIT end it the safe way (outputs
/// safe, summary and record written, exit 1, the signal named); Ctrl-Z leaves it running.
@Suite("Signals and a lost terminal", .serialized)
struct SignalRelayTests {
  /// Ten pulses at 10 Hz: a whole real-time treatment in a few seconds.
  static let shortProtocol = KillTests.fastProtocol.replacingOccurrences(
    of: "therapy: { pulses: 200, set_size: 200, polarity: fixed }",
    with: "therapy: { pulses: 10, set_size: 10, polarity: fixed }")

  /// One `irectl simulate --speed realtime` in a directory of its own.
  final class Run {
    let directory: String
    let record: String
    let summary: String
    let process = Process()
    let errors = Pipe()
    let terminalGone: Bool

    /// Starts it; `terminalGone` gives it, for standard output and error, a pipe whose reader
    /// has already closed (as a terminal that went away).
    init(_ name: String, protocolText: String = KillTests.fastProtocol, terminalGone: Bool = false) throws {
      self.terminalGone = terminalGone
      directory = Paths.temporary("signals-\(name)")
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      record = directory + "/record.sqlite"
      summary = directory + "/summary.json"
      let protocolPath = directory + "/kill-test.yaml"
      try protocolText.write(toFile: protocolPath, atomically: true, encoding: .utf8)
      process.executableURL = URL(fileURLWithPath: Paths.irectl)
      process.arguments = [
        "simulate", protocolPath, "--board", Paths.simBoard, "--speed", "realtime", "--record", record,
        "--summary-json", summary, "--telemetry-socket", directory + "/telemetry.sock",
      ]
      if terminalGone {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        close(ends[0])
        let gone = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        process.standardOutput = gone
        process.standardError = gone
      } else {
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
      }
      try process.run()
    }

    deinit {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      try? FileManager.default.removeItem(atPath: directory)
    }

    var pid: pid_t { process.processIdentifier }

    /// Sends `signal`, unless the process has already ended (its number may be another's).
    func send(_ signal: Int32) {
      if process.isRunning { kill(pid, signal) }
    }

    /// Waits until the record holds a delivered pulse: the treatment is under way. The wait is
    /// long for an `irectl` built with the thread sanitizer on a loaded machine (CI): its first
    /// pulse took over 20 s there, the normal build's well under one.
    func waitForPulses() throws {
      let deadline = Date().addingTimeInterval(90)
      while Date() < deadline {
        // One that ended (a fault) is not waited for: what the test checks next says how.
        guard process.isRunning else { return }
        if FileManager.default.fileExists(atPath: record),
          let pulses = try? TreatmentRecord(path: record).sessions().first?.pulses, pulses > 0
        {
          return
        }
        Thread.sleep(forTimeInterval: 0.1)
      }
      Issue.record("no pulse within 90 s")
    }

    /// Waits for the end; its standard error (empty when the terminal was gone).
    @discardableResult
    func finish() -> String {
      let text =
        terminalGone ? "" : String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      errorText = text
      return text
    }

    /// What `finish` read from its standard error.
    var errorText = ""

    /// Starts `Run(name, ...)` and takes it through `act` to its end, again while the
    /// machine stalls its timing thread (`HostStall`).
    static func attempted(
      _ name: String, protocolText: String = KillTests.fastProtocol, terminalGone: Bool = false,
      _ act: (Run) throws -> Void
    ) throws -> Run {
      // Each attempt in a directory of its own: a run's end removes its directory.
      try HostStall.attempt(
        name,
        { attempt in
          let run = try Run(
            HostStall.named(name, attempt), protocolText: protocolText, terminalGone: terminalGone)
          try act(run)
          if run.process.isRunning { run.finish() }
          return run
        }, stalled: { HostStall.timingFault(summary: $0.summary) })
    }

    func decodedSummary() throws -> TreatmentSummary {
      try JSONDecoder().decode(TreatmentSummary.self, from: Data(contentsOf: URL(fileURLWithPath: summary)))
    }

    /// The process's state letter in /proc (R, S, T for stopped, ...).
    var state: String? {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return nil }
      return stat[close...].dropFirst(2).first.map(String.init)
    }
  }

  /// The record verifies, and its session ended as `outcome`.
  func expectRecord(_ run: Run, outcome: String) throws {
    let (status, error) = try RecordTamperTests.irectl(["records", "verify", "--record", run.record])
    #expect(status == 0, "\(error)")
    #expect(try TreatmentRecord(path: run.record).sessions().map(\.outcome) == [outcome])
  }

  @Test func aTerminalThatIsGoneDoesNotStopTheTreatment() throws {
    let run = try Run.attempted("gone", protocolText: Self.shortProtocol, terminalGone: true) { $0.finish() }
    #expect(run.process.terminationReason == .exit, "not killed by SIGPIPE, not trapped")
    #expect(run.process.terminationStatus == 0)
    let summary = try run.decodedSummary()
    #expect(summary.outcome == "completed")
    #expect(summary.pulses.count == 10)
    try expectRecord(run, outcome: "completed")
  }

  @Test(arguments: [(SIGHUP, "SIGHUP"), (SIGQUIT, "SIGQUIT")])
  func hangupAndQuitEndTheTreatmentSafely(signal: Int32, name: String) throws {
    let run = try Run.attempted(name) { run in
      try run.waitForPulses()
      run.send(signal)
      run.finish()
    }
    let errors = run.errorText
    #expect(run.process.terminationReason == .exit, "ended by the controller, not by the signal")
    #expect(run.process.terminationStatus == 1)
    #expect(errors.contains("\(name) received: treatment stopped, outputs safe"), "\(errors)")
    let summary = try run.decodedSummary()
    #expect(summary.outcome == "aborted")
    #expect(summary.abortReason == "\(name) received: treatment stopped, outputs safe")
    #expect(summary.finalBankV.map { $0 < 50 } == true, "the bank bled before the end")
    try expectRecord(run, outcome: "aborted")
  }

  /// An SSH session that drops: the terminal is gone and SIGHUP comes.
  @Test func aHangupWithTheTerminalGoneStillEndsSafely() throws {
    let run = try Run.attempted("hangup-gone", terminalGone: true) { run in
      try run.waitForPulses()
      run.send(SIGHUP)
      run.finish()
    }
    #expect(run.process.terminationReason == .exit)
    #expect(run.process.terminationStatus == 1)
    let summary = try run.decodedSummary()
    #expect(summary.abortReason == "SIGHUP received: treatment stopped, outputs safe")
    #expect(summary.finalBankV.map { $0 < 50 } == true)
    try expectRecord(run, outcome: "aborted")
  }

  @Test func ctrlZIsRefusedWhileATreatmentRuns() throws {
    var running = false
    var stopped = false
    var before = 0
    var after = 0
    let run = try Run.attempted("tstp") { run in
      try run.waitForPulses()
      run.send(SIGTSTP)
      Thread.sleep(forTimeInterval: 0.5)
      running = run.process.isRunning
      stopped = run.state == "T"
      before = try TreatmentRecord(path: run.record).sessions().first?.pulses ?? 0
      Thread.sleep(forTimeInterval: 0.5)
      after = try TreatmentRecord(path: run.record).sessions().first?.pulses ?? 0
      run.send(SIGTERM)
      run.finish()
    }
    #expect(running)
    #expect(!stopped, "not stopped")
    #expect(after > before, "pulses go on")
    let errors = run.errorText
    #expect(run.process.terminationStatus == 1)
    #expect(
      errors.contains("irectl: Ctrl-Z ignored: a treatment is running; use Ctrl-C to stop it safely"),
      "\(errors)")
    #expect(try run.decodedSummary().abortReason == "SIGTERM received: treatment stopped, outputs safe")
  }
}
