import Controller
import Foundation
import Record
import Testing

/// irectl as a technician or a developer runs it: from any directory, with the defaults shown
/// in its help, and `irectl info --json` holding every field.
@Suite("irectl's defaults and info")
struct InstallDefaultsCommandTests {
  /// Runs the built irectl in `directory` with `environment` added; returns the status, stdout
  /// and stderr.
  static func irectl(_ arguments: [String], in directory: String = "/", environment: [String: String] = [:])
    throws -> (Int32, String, String)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.irectl)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let (stdout, stderr) = (Pipe(), Pipe())
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, out, err)
  }

  @Test func simulateAndValidateFindTheSimulatedBoardFromAnyDirectory() throws {
    let record = Paths.temporary("from-elsewhere.sqlite")
    defer { Paths.removeRecord(record) }
    let (status, out, err) = try Self.irectl(
      ["simulate", Paths.fixture("short-fixed-rate"), "--record", record], in: "/")
    #expect(status == 0, "\(err)")
    #expect(out.contains("outcome completed"))
    let (valid, checked, _) = try Self.irectl(["validate", Paths.protocolFile("liver-4probe-box")], in: "/")
    #expect(valid == 0)
    #expect(checked.contains("checked against board"))
  }

  @Test func everyDefaultIsShownInTheHelp() throws {
    let simulatorBoard = Paths.simBoard
    for (command, defaults) in [
      ("treat", ["/etc/irectl/board.yaml", "/var/lib/irectl/records.sqlite", "/run/irectl"]),
      ("selftest", ["/etc/irectl/board.yaml"]),
      ("info", ["/etc/irectl/board.yaml"]),
      ("simulate", [simulatorBoard, RecordLocation.defaultPath()]),
      ("validate", ["/etc/irectl/board.yaml"]),
    ] {
      let (status, out, _) = try Self.irectl([command, "--help"], environment: ["COLUMNS": "400"])
      #expect(status == 0)
      for value in defaults {
        #expect(out.contains(value), "irectl \(command) --help shows \(value)")
      }
    }
  }

  @Test func selftestKeepsItsVerdictForInfo() throws {
    let state = Paths.temporary("state")
    defer { try? FileManager.default.removeItem(atPath: state) }
    let board = Paths.config("boards/reference.yaml")
    // No board on this machine: not fit, and so kept.
    let (status, _, _) = try Self.irectl(
      ["selftest", "--board", board], environment: ["XDG_STATE_HOME": state])
    #expect(status == 1)
    let data = try #require(FileManager.default.contents(atPath: state + "/irectl/selftest.json"))
    let verdict = try JSONDecoder().decode(SelfTestVerdict.self, from: data)
    #expect(!verdict.fitToTreat && verdict.failed > 0)
    #expect(verdict.board == board)
    #expect(verdict.boardSHA256 == (try TreatmentRecord.sha256(ofFile: board)))
  }

  @Test func infoAsJSONHoldsEveryField() throws {
    let state = Paths.temporary("info-state")
    let record = Paths.temporary("info-record.sqlite")
    defer {
      try? FileManager.default.removeItem(atPath: state)
      Paths.removeRecord(record)
    }
    let environment = ["XDG_STATE_HOME": state]
    let board = Paths.config("boards/reference.yaml")
    _ = try Self.irectl(["selftest", "--board", board], environment: environment)
    _ = try Self.irectl(["simulate", Paths.fixture("short-fixed-rate"), "--record", record])
    let (status, out, err) = try Self.irectl(
      ["info", "--json", "--board", board, "--record", record], environment: environment)
    #expect(status == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let expected: [String: [String]] = [
      "irectl": ["version", "build", "compiler"],
      "kernel": ["release", "version", "command_line", "preemption", "realtime"],
      "limits": ["rtprio", "memlock_bytes"],
      "board": ["path", "exists", "sha256", "name", "backend", "problem"],
      "record": ["path", "exists", "size_bytes", "sessions", "last_session", "problem"],
      "selftest": ["time", "fit_to_treat", "checks", "failed", "board", "board_sha256", "user", "file"],
    ]
    #expect(Set(json.keys) == Set(expected.keys).union(["libgpiod", "gpiochips", "i2c_buses"]))
    for (section, keys) in expected {
      let object = try #require(json[section] as? [String: Any], "\(section)")
      #expect(Set(object.keys) == Set(keys), "\(section)")
    }
    #expect(json["gpiochips"] is [Any] && json["i2c_buses"] is [Any])
    let limits = try #require(json["limits"] as? [String: [String: Any]])
    #expect(limits["rtprio"]?.keys.sorted() == ["hard", "soft"])
    #expect((json["irectl"] as? [String: Any])?["version"] as? String == Version.current)
    #expect(
      (json["board"] as? [String: Any])?["sha256"] as? String == (try TreatmentRecord.sha256(ofFile: board)))
    let recordInfo = try #require(json["record"] as? [String: Any])
    #expect(recordInfo["sessions"] as? Int == 1)
    #expect((recordInfo["last_session"] as? [String: Any])?["outcome"] as? String == "completed")
    #expect((json["selftest"] as? [String: Any])?["fit_to_treat"] as? Bool == false)
    #expect((json["libgpiod"] as? String)?.isEmpty == false)
  }
}
