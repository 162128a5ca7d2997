import Foundation
import Record
import Telemetry
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `irectl monitor` in a real terminal (tmux) against a real-time simulated treatment: the
/// banner, the counter advancing, an injected fault turning its interlock red with the reason,
/// a pause from the console taking effect, a resize to 80×24, the console killed and started
/// again while the treatment goes on, and the degraded terminals (TERM=dumb, NO_COLOR).
@Suite(.serialized) struct ConsoleTerminalTests {
  /// One tmux server of its own, so that tests never touch another's (or the user's) sessions.
  final class Tmux {
    let socket: String
    init(_ name: String) { socket = "irectl-test-\(getpid())-\(name)" }

    /// Runs a tmux command and returns its standard output. Spawned directly and reaped with
    /// waitpid: the server a first tmux command starts inherits the client's descriptors, and
    /// Foundation's Process would wait for those to close.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
      var pipe: [Int32] = [0, 0]
      guard Glibc.pipe(&pipe) == 0 else { throw CocoaError(.fileWriteUnknown) }
      var actions = posix_spawn_file_actions_t()
      posix_spawn_file_actions_init(&actions)
      defer { posix_spawn_file_actions_destroy(&actions) }
      posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
      posix_spawn_file_actions_addclose(&actions, pipe[0])
      posix_spawn_file_actions_addclose(&actions, pipe[1])
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
      let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
      defer { for pointer in argv { free(pointer) } }
      // The test runner's threads block nearly every signal, and a spawned process inherits
      // the mask: a tmux server (and the console in its pane) that cannot be signalled would
      // outlive kill-server. Spawned with no signal blocked and every handler at its default.
      var attributes = posix_spawnattr_t()
      posix_spawnattr_init(&attributes)
      defer { posix_spawnattr_destroy(&attributes) }
      var none = sigset_t()
      sigemptyset(&none)
      var all = sigset_t()
      sigfillset(&all)
      posix_spawnattr_setsigmask(&attributes, &none)
      posix_spawnattr_setsigdefault(&attributes, &all)
      posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
      var pid: pid_t = 0
      let status = posix_spawnp(&pid, "tmux", &actions, &attributes, argv, environ)
      Glibc.close(pipe[1])
      defer { Glibc.close(pipe[0]) }
      guard status == 0 else { throw CocoaError(.executableNotLoadable) }
      var output: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 65536)
      // new-session's server keeps the write end open: read only what queries print.
      if arguments.first == "capture-pane" || arguments.first == "display-message" {
        while true {
          let count = read(pipe[0], &buffer, buffer.count)
          if count <= 0 { break }
          output += buffer[0..<count]
        }
      }
      var exit: Int32 = 0
      while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
      return String(decoding: output, as: UTF8.self)
    }

    /// The server's and the pane's processes, once started: what `close` makes sure are gone.
    private var processes: [pid_t] = []

    func start(_ command: String, columns: Int = 100, rows: Int = 30) throws {
      try run(["new-session", "-d", "-s", "console", "-x", "\(columns)", "-y", "\(rows)", command])
      let pids = try run(["display-message", "-p", "-t", "console", "#{pid} #{pane_pid}"])
      processes = pids.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
    }

    /// The console's process in the pane, once started.
    var panePID: pid_t? { processes.count == 2 ? processes[1] : nil }

    /// Ends the server and what runs in it, whatever way the test ends (each test defers it: a
    /// deinit is not a promise that anything runs). The pane's console and the server are
    /// killed outright if `kill-server` leaves them, and reaped by whoever is their parent.
    func close() {
      _ = try? run(["kill-server"])
      for pid in processes where kill(pid, 0) == 0 {
        var waited = 0
        while kill(pid, 0) == 0 && waited < 20 {
          usleep(50_000)
          waited += 1
        }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
      }
      processes = []
    }

    func capture(escapes: Bool = false) throws -> String {
      try run(["capture-pane", "-p", "-t", "console"] + (escapes ? ["-e"] : []))
    }

    /// Captures until `condition` holds (or `seconds` pass); returns the last capture.
    func wait(_ seconds: Double = 30, escapes: Bool = false, until condition: (String) -> Bool) throws
      -> String
    {
      let deadline = Date().addingTimeInterval(seconds)
      var screen = try capture(escapes: escapes)
      while !condition(screen), Date() < deadline {
        Thread.sleep(forTimeInterval: 0.2)
        screen = try capture(escapes: escapes)
      }
      return screen
    }

    func keys(_ keys: String) throws { try run(["send-keys", "-t", "console", keys]) }

    deinit { close() }
  }

  /// A real-time treatment: one pair, 10 test and 40 therapy pulses at 120 beats per minute.
  final class Treatment {
    let socket: String
    let record: String
    let summary: String
    /// What irectl wrote on its standard error: the reason when a treatment ends otherwise than
    /// the test expected.
    let log: String
    /// The protocol it runs: the shipped one, shortened.
    let protocolPath: String
    let process = Process()

    init(_ name: String, faults: [String] = []) throws {
      socket = Paths.temporary("\(name).sock")
      record = Paths.temporary("\(name).sqlite")
      summary = Paths.temporary("\(name).json")
      log = Paths.temporary("\(name).log")
      let text = try String(contentsOfFile: Paths.protocolFile("pancreas-2probe"), encoding: .utf8)
        .replacingOccurrences(of: "  pulses: 90", with: "  pulses: 40")
      protocolPath = Paths.temporary("\(name).yaml")
      try text.write(toFile: protocolPath, atomically: true, encoding: .utf8)
      process.executableURL = URL(fileURLWithPath: Paths.irectl)
      process.currentDirectoryURL = Paths.root
      process.arguments =
        [
          "simulate", protocolPath, "--speed", "realtime", "--heart-rate", "120", "--telemetry-socket",
          socket,
          "--record", record, "--summary-json", summary,
        ] + faults.flatMap { ["--fault", $0] }
      process.standardOutput = FileHandle.nullDevice
      _ = FileManager.default.createFile(atPath: log, contents: nil)  // if not, no log: nullDevice below
      process.standardError = FileHandle(forWritingAtPath: log) ?? FileHandle.nullDevice
      try process.run()
    }

    func finish() -> Int32 {
      process.waitUntilExit()
      return process.terminationStatus
    }

    /// The last lines irectl wrote on its standard error.
    func logTail(_ lines: Int = 12) -> String {
      let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    func summaryJSON() throws -> [String: Any] {
      let data = try Data(contentsOf: URL(fileURLWithPath: summary))
      return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Ends the treatment if it still runs and removes its files; each test defers it.
    func close() {
      if process.isRunning {
        process.terminate()
        process.waitUntilExit()
      }
      for path in [socket, summary, log, protocolPath] {
        try? FileManager.default.removeItem(atPath: path)
      }
      Paths.removeRecord(record)
    }

    deinit { close() }

    /// Runs `scenario` on a treatment of its own, again (`HostStall`) while the machine held the
    /// treatment's timing thread past the watchdog; the treatment is closed after each attempt.
    static func attempted(
      _ name: String, faults: [String] = [], _ scenario: (Treatment) throws -> Void
    ) throws {
      try HostStall.run(
        name, start: { try Treatment(HostStall.named(name, $0), faults: faults) },
        stalled: { HostStall.timingFault(summary: $0.summary) || HostStall.timingFault(record: $0.record) },
        end: { $0.close() }, scenario)
    }
  }

  /// Presses `a` on the console, waits for its question and answers it with `answer` (`y`
  /// aborts; any other key cancels).
  static func askToAbort(_ tmux: Tmux, answer: String) throws {
    try tmux.keys("a")
    _ = try tmux.wait { $0.contains("ABORT the treatment?") }
    try tmux.keys(answer)
  }

  /// The console's command line in the pane. NO_COLOR is removed unless the test sets it: the
  /// test runner may export it, and tmux passes its environment on.
  static func monitor(_ socket: String, environment: String = "TERM=xterm-256color") -> String {
    "env -u NO_COLOR \(environment) \(Paths.irectl) monitor --socket \(socket)"
  }

  /// "k / N" on the progress line.
  static func delivered(_ screen: String) -> Int? {
    guard let match = screen.firstMatch(of: /\] +(\d+) \/ (\d+)/) else { return nil }
    return Int(match.1)
  }

  /// Every row of the record's last session, as text, with its table under "table".
  static func rows(_ path: String) throws -> [[String: String]] {
    let record = try TreatmentRecord(path: path)
    let session = try #require(try record.sessions().last)
    return try record.rows(of: session.session).map { row in
      var values = row.values.mapValues { value -> String in
        if case .text(let text) = value { return text }
        return value.description
      }
      values["table"] = row.table
      return values
    }
  }

  @Test func bannerCounterResizeAndARestartedConsole() throws {
    try Treatment.attempted("console-main") { treatment in
      let tmux = Tmux("main")
      defer { tmux.close() }
      try tmux.start(Self.monitor(treatment.socket))
      var screen = try tmux.wait { ($0.contains("SIMULATOR") && (Self.delivered($0) ?? 0) >= 3) }
      #expect(screen.contains("SIMULATOR"))
      #expect(screen.contains("pancreas-2probe"))
      let first = Self.delivered(screen) ?? 0
      screen = try tmux.wait { (Self.delivered($0) ?? 0) >= first + 3 }
      #expect((Self.delivered(screen) ?? 0) > first, "the counter did not advance: \(screen)")

      // 80×24: every line fits, every part is there, nothing left of the wider frame.
      try tmux.run(["resize-window", "-t", "console", "-x", "80", "-y", "24"])
      screen = try tmux.wait {
        $0.contains("[p] pause") && !$0.split(separator: "\n").contains { $0.count > 80 }
      }
      let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      // Laid out again for 80 columns, not the 100-column frame cut off: the banner gave up its
      // middle words to keep the protocol and board whole, the ECG strip is 80 wide.
      #expect(lines.first?.contains("SIMULATOR") == true)
      #expect(lines.first?.contains("not connected") == false)
      #expect(lines.first?.hasSuffix("reference-board-sim") == true)
      #expect(lines.first { $0.hasPrefix("ECG") }?.count == 80)
      #expect(lines.prefix(24).last { !$0.isEmpty }?.contains("[p] pause") == true)

      // The console killed and started again: it picks the treatment up where it is.
      try tmux.run(["respawn-pane", "-k", "-t", "console", Self.monitor(treatment.socket)])
      let before = Self.delivered(screen) ?? 0
      screen = try tmux.wait { (Self.delivered($0) ?? 0) > before }
      #expect((Self.delivered(screen) ?? 0) > before)
      #expect(screen.contains("Current per pulse"))

      #expect(treatment.finish() == 0)
      let summary = try treatment.summaryJSON()
      #expect(summary["outcome"] as? String == "completed")
      #expect((summary["pulses"] as? [Any])?.count == 50)
      screen = try tmux.wait { $0.contains("COMPLETED") || $0.contains("closed the session") }
      #expect(screen.contains("treatment completed"))
    }
  }

  @Test func anInjectedFaultTurnsItsInterlockRedWithTheReason() throws {
    try Treatment.attempted("console-fault", faults: ["estop@pulse=6"]) { treatment in
      let tmux = Tmux("fault")
      defer { tmux.close() }
      try tmux.start(Self.monitor(treatment.socket))
      let screen = try tmux.wait(escapes: true) { $0.contains("LATCHED estop") }
      #expect(screen.contains("LATCHED estop: emergency stop pressed"))
      #expect(screen.contains("FAULT estop: emergency stop pressed"))
      // The panel's e-stop: red (SGR 31) and reversed (7) as latched, marked #E-STOP.
      let panel = screen.split(separator: "\n").first { $0.contains("#E-STOP") }.map(String.init) ?? ""
      let attributes = panel.components(separatedBy: "#E-STOP").first.map { String($0.suffix(24)) } ?? ""
      #expect(
        attributes.contains("31m") && (attributes.contains(";7m") || attributes.contains(";7;")),
        "e-stop not red and reversed: \(panel.debugDescription)")
      #expect(treatment.finish() == 1)
    }
  }

  @Test func pauseFromTheConsoleTakesEffectAndIsRecorded() throws {
    try Treatment.attempted("console-pause") { treatment in
      let tmux = Tmux("pause")
      defer { tmux.close() }
      try tmux.start(Self.monitor(treatment.socket))
      _ = try tmux.wait { (Self.delivered($0) ?? 0) >= 12 }
      try tmux.keys("p")
      let screen = try tmux.wait { $0.contains("State PAUSED") }
      #expect(screen.contains("State PAUSED (operator_pause)"))
      #expect(screen.contains("console pause taken"))
      // Abort asks first; any key but y cancels.
      try Self.askToAbort(tmux, answer: "n")
      #expect(treatment.finish() == 0)
      let rows = try Self.rows(treatment.record)
      #expect(
        rows.contains {
          $0["table"] == "state_changes" && $0["state"] == "paused" && $0["cause"] == "operator_pause"
        })
      #expect(
        rows.contains {
          $0["table"] == "interlock_events" && $0["event"] == "console_command"
            && $0["reason"]?.hasPrefix("pause") == true
        })
    }
  }

  @Test func aRefusedCommandIsRecorded() throws {
    try Treatment.attempted("console-refused") { treatment in
      let tmux = Tmux("refused")
      defer { tmux.close() }
      try tmux.start(Self.monitor(treatment.socket))
      _ = try tmux.wait { (Self.delivered($0) ?? 0) >= 2 }
      let fd = try UnixSocket.connect(to: treatment.socket)
      let line = "{\"v\":1,\"command\":\"resume\"}\n"
      _ = line.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
      let screen = try tmux.wait { $0.contains("console resume REFUSED") }
      #expect(screen.contains("console resume REFUSED"))
      close(fd)
      try Self.askToAbort(tmux, answer: "y")
      #expect(treatment.finish() == 1)
      let rows = try Self.rows(treatment.record)
      #expect(
        rows.contains {
          $0["event"] == "console_refused"
            && $0["reason"]?.hasPrefix("resume: a console may only pause or abort") == true
        })
      #expect(rows.contains { $0["event"] == "console_command" && $0["reason"]?.hasPrefix("abort") == true })
    }
  }

  /// Whether `pid` has ended (gone, or a zombie nobody reaped yet).
  static func ended(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    return stat[close...].dropFirst(2).first == "Z"
  }

  /// The terminal goes away under the console (its tmux server killed, as a dropped SSH session
  /// or a closed window does): the console ends by itself, not polling a dead terminal forever.
  @Test func aConsoleWhoseTerminalIsGoneEnds() throws {
    try Treatment.attempted("console-gone") { treatment in
      let tmux = Tmux("gone")
      defer { tmux.close() }
      try tmux.start(Self.monitor(treatment.socket))
      _ = try tmux.wait { $0.contains("SIMULATOR") }
      let pane = try #require(tmux.panePID)
      _ = try tmux.run(["kill-server"])
      let deadline = Date().addingTimeInterval(10)
      while !Self.ended(pane), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
      #expect(Self.ended(pane), "the console still runs without its terminal")
    }
  }

  @Test func dumbTerminalsAndNoColourDegrade() throws {
    try Treatment.attempted("console-dumb") { treatment in
      let dumb = Tmux("dumb")
      defer { dumb.close() }
      try dumb.start(Self.monitor(treatment.socket, environment: "TERM=dumb"))
      let plain = try dumb.wait(escapes: true) { $0.contains("SIMULATOR  state") && $0.contains("pulses") }
      #expect(plain.contains("SIMULATOR  state"))
      #expect(!plain.contains("\u{1B}["), "escape sequences on a dumb terminal")
      let colourless = Tmux("nocolour")
      defer { colourless.close() }
      try colourless.start(Self.monitor(treatment.socket, environment: "TERM=xterm-256color NO_COLOR=1"))
      let screen = try colourless.wait(escapes: true) { $0.contains("SIMULATOR") && $0.contains("[p] pause") }
      #expect(screen.contains("SIMULATOR"))
      #expect(screen.firstMatch(of: /\u{1B}\[[0-9;]*(3[0-7]|4[0-7])[;m]/) == nil, "colour with NO_COLOR set")
      try Self.askToAbort(dumb, answer: "y")
      #expect(treatment.finish() == 1)
    }
  }
}
