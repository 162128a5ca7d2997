import ArgumentParser
import Controller
import Foundation
import Record

/// `irectl records ...`: what the treatment record holds, and whether it is intact.
struct Records: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Read the treatment record.",
    subcommands: [List.self, Show.self, Verify.self, Export.self, Recover.self])

  struct Location: ParsableArguments {
    @Option(help: "The record (SQLite). Default: \(RecordLocation.defaultPath()).")
    var record: String = RecordLocation.defaultPath()

    /// Opens the record to read it; nothing is changed (recovery is `records recover`, and the
    /// start of every treatment).
    func open() throws -> TreatmentRecord {
      guard FileManager.default.fileExists(atPath: record) else {
        fail("no record at \(record)", status: 3)
      }
      do {
        return try TreatmentRecord(path: record)
      } catch {
        fail(String(describing: error), status: 3)
      }
    }

    func session(_ prefix: String, in record: TreatmentRecord) throws -> String {
      guard let id = try record.resolve(prefix) else {
        fail("no single session matches \"\(prefix)\"", status: 2)
      }
      return id
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every session, one line each.")
    @OptionGroup var location: Location
    func run() throws {
      let record = try location.open()
      for s in try record.sessions() {
        let bounds =
          s.outcome == "interrupted" ? " (delivered \(s.deliveredMin ?? 0)...\(s.deliveredMax ?? 0))" : ""
        print(
          "\(s.session)  \(s.simulated ? "SIMULATOR" : "HARDWARE ")  \(s.startedAt)  \(s.protocolName)  "
            + "\(s.outcome)\(bounds)  \(s.pulses) pulses")
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One session: every row, in order.")
    @OptionGroup var location: Location
    @Argument(help: "Session id (or an unambiguous prefix).") var session: String
    @Flag(help: "One JSON object per row.") var json = false
    func run() throws {
      let record = try location.open()
      let id = try location.session(session, in: record)
      for (table, values) in try record.rows(of: id) {
        let fields = values.filter { !["session_id", "prev_hash", "row_hash"].contains($0.key) }
          .sorted { $0.key < $1.key }
        if json {
          var object: [String: Any] = ["table": table]
          for (key, value) in fields { object[key] = jsonValue(value) }
          let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
          print(String(decoding: data, as: UTF8.self))
        } else {
          print(
            table.padding(toLength: 16, withPad: " ", startingAt: 0)
              + fields.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
      }
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check the hash chain (exit 0 intact; 1 with the first broken row named).")
    @OptionGroup var location: Location
    @Argument(help: "Session id or prefix; every session when omitted.") var session: String?
    func run() throws {
      let record = try location.open()
      let id = try session.map { try location.session($0, in: record) }
      if let broken = try record.verify(session: id) {
        TerminalWriter.say("record NOT intact: \(broken)")
        throw ExitCode(1)
      }
      print("record intact: \(id.map { "session \($0)" } ?? "every session")")
    }
  }

  struct Recover: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Close sessions a crash left open as interrupted, with their delivered-count bounds.",
      discussion: "Exit 1 when a session could not be closed because its chain does not verify (named).")
    @OptionGroup var location: Location
    func run() throws {
      let record = try location.open()
      let recovery = try record.recoverInterrupted()
      for interrupted in recovery.closed {
        print(
          "session \(interrupted.session) closed as interrupted: between \(interrupted.delivered.lowerBound) and "
            + "\(interrupted.delivered.upperBound) pulses delivered")
      }
      if recovery.isEmpty { print("no session to recover (a session still being written is left alone)") }
      // A session that cannot be closed because its chain is broken is the record's problem:
      // exit 1, as verify does.
      for unverified in recovery.unverified { note("\(unverified)") }
      if !recovery.unverified.isEmpty { throw ExitCode(1) }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "A session's pulses as CSV, or all its rows as JSON.")
    @OptionGroup var location: Location
    @Argument(help: "Session id or prefix.") var session: String
    @Flag(help: "CSV: one line per pulse.") var csv = false
    @Flag(help: "JSON: every row of the session.") var json = false
    func run() throws {
      guard csv != json else { fail("give exactly one of --csv and --json", status: 2) }
      let record = try location.open()
      let id = try location.session(session, in: record)
      if csv {
        print(try record.pulsesCSV(of: id), terminator: "")
      } else {
        let rows = try record.rows(of: id).map { table, values -> [String: Any] in
          var object: [String: Any] = ["table": table]
          for (key, value) in values where key != "session_id" { object[key] = jsonValue(value) }
          return object
        }
        let data = try JSONSerialization.data(
          withJSONObject: ["session": id, "rows": rows], options: [.sortedKeys, .prettyPrinted])
        print(String(decoding: data, as: UTF8.self))
      }
    }
  }
}

/// `irectl report SESSION --out FILE.html`.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "A self-contained HTML report of a session, with plots.")
  @OptionGroup var location: Records.Location
  @Argument(help: "Session id or prefix.") var session: String
  @Option(help: "Where to write the HTML page.") var out: String
  @Option(
    help: ArgumentHelp(
      "The session's protocol file, when it is no longer where the session found it (same SHA-256).",
      valueName: "file"))
  var `protocol`: String?
  func run() throws {
    let record = try location.open()
    let id = try location.session(session, in: record)
    var data = try record.reportData(for: id)
    DeliveredZones.attach(to: &data, protocolPath: `protocol`)
    let html = ReportRenderer.html(data)
    do {
      try html.write(toFile: out, atomically: true, encoding: .utf8)
    } catch {
      fail("cannot write \(out): \(error.localizedDescription)", status: 3)
    }
    print("report of session \(id) written to \(out)")
  }
}

func jsonValue(_ value: RecordValue) -> Any { value.json }

func note(_ text: String) { TerminalWriter.say(text) }

func fail(_ text: String, status: Int32) -> Never {
  note(text)
  exit(status)
}
