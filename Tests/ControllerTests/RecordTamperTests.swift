import Controller
import Foundation
import GRDB
import Record
import Testing

/// Changing, deleting or reordering one pulse row breaks the chain at that row, and `verify`
/// names it.
@Suite("Tamper evidence")
struct RecordTamperTests {
  /// A recorded session, and the `seq` of its pulse rows by pulse index.
  func recorded(_ name: String) throws -> (path: String, session: String, seqOfPulse: [Int64: Int64]) {
    let path = Paths.temporary("tamper-\(name).sqlite")
    try? FileManager.default.removeItem(atPath: path)
    _ = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 4,
        recordPath: path,
        showProgress: false))
    let record = try TreatmentRecord(path: path)
    #expect(try record.verify() == nil, "intact before tampering")
    let session = try #require(try record.sessions().first?.session)
    let queue = try DatabaseQueue(path: path)
    let seqs = try queue.read { db in
      try Row.fetchAll(db, sql: "SELECT pulse_index, seq FROM pulses").reduce(into: [Int64: Int64]()) {
        $0[$1["pulse_index"]] = $1["seq"]
      }
    }
    return (path, session, seqs)
  }

  func tamper(_ path: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { try $0.execute(sql: sql) }
  }

  @Test func aChangedPulseRowIsNamed() throws {
    let (path, session, seqs) = try recorded("change")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try tamper(path, "UPDATE pulses SET current_a = current_a - 5 WHERE pulse_index = 40")
    let broken = try #require(try TreatmentRecord(path: path).verify(session: session))
    #expect(broken.table == "pulses" && broken.seq == seqs[40])
    #expect(broken.problem == "was changed after it was written")
  }

  @Test func aDeletedPulseRowIsNamed() throws {
    let (path, session, seqs) = try recorded("delete")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try tamper(path, "DELETE FROM pulses WHERE pulse_index = 40")
    let broken = try #require(try TreatmentRecord(path: path).verify(session: session))
    let missing = try #require(seqs[40])
    #expect(broken.problem == "row seq \(missing) is missing (deleted or moved) before this one")
    #expect(broken.seq == missing + 1)
  }

  @Test func reorderedPulseRowsAreNamed() throws {
    let (path, session, seqs) = try recorded("reorder")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = try #require(seqs[40])
    let second = try #require(seqs[41])
    try tamper(
      path,
      """
      UPDATE pulses SET seq = -1 WHERE seq = \(first) AND session_id = '\(session)';
      UPDATE pulses SET seq = \(first) WHERE seq = \(second) AND session_id = '\(session)';
      UPDATE pulses SET seq = \(second) WHERE seq = -1 AND session_id = '\(session)';
      """)
    let broken = try #require(try TreatmentRecord(path: path).verify(session: session))
    #expect(broken.table == "pulses" && broken.seq == min(first, second))
  }

  @Test func rowsCutOffTheEndAreFound() throws {
    let (path, session, seqs) = try recorded("truncate")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let cut = try #require(seqs[60])
    for table in [
      "sessions", "pairs", "pulse_intents", "pulses", "skipped_beats", "interlock_events", "state_changes",
      "temperatures", "session_ends",
    ] {
      try tamper(path, "DELETE FROM \(table) WHERE seq > \(cut)")
    }
    let record = try TreatmentRecord(path: path)
    let broken = try #require(try record.verify(session: session))
    #expect(broken.problem.contains("rows were cut off the end"))
    let recovery = try record.recoverInterrupted()
    #expect(recovery.closed.isEmpty, "recovery does not seal a cut chain")
    #expect(recovery.unverified.map(\.session) == [session], "it tells of it instead")
    #expect(try record.verify(session: session) != nil)
  }

  /// A session left open whose chain is broken is not closed, and not passed over in silence
  /// either: the operator is told which session and where its chain breaks, by simulate and
  /// treat before they start, and by records recover (exit 1).
  @Test func anOpenSessionWithABrokenChainIsToldToTheOperator() throws {
    let (path, session, seqs) = try recorded("open-broken")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let cut = try #require(seqs[60])
    // Its end gone (as if killed), and a pulse changed.
    try tamper(path, "DELETE FROM session_ends; DELETE FROM heads")
    try tamper(path, "UPDATE pulses SET current_a = 1 WHERE seq = \(cut)")
    let told =
      "session \(session) (pancreas-2probe) did not end, and its chain does not verify: pulses row seq \(cut)"
      + " was changed after it was written; it was left as it is, not closed (irectl records verify names the break)"

    let (status, error) = try Self.irectl(["records", "recover", "--record", path])
    #expect(status == 1)
    #expect(error.contains(told), "\(error)")

    #expect(try HardwareSession.unacknowledgedInterruptions(record: path) == [told])

    final class Lines: @unchecked Sendable {
      let lock = NSLock()
      var all: [String] = []
      func add(_ line: String) { lock.withLock { all.append(line) } }
    }
    let lines = Lines()
    _ = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 4,
        recordPath: path, showProgress: false, log: { lines.add($0) }))
    #expect(lines.all.contains("record: \(told)"), "\(lines.all)")
    let sessions = try TreatmentRecord(path: path).sessions()
    #expect(
      sessions.first { $0.session == session }?.outcome == "interrupted (not yet closed)", "left as it is")
  }

  @Test func aDeletedSessionRowIsFound() throws {
    let (path, session, _) = try recorded("session-row")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try tamper(path, "DELETE FROM sessions")
    let broken = try #require(try TreatmentRecord(path: path).verify())
    #expect(broken.session == session)
  }

  @Test func verifyOnTheCommandLineExitsOneAndNamesTheRow() throws {
    let (path, _, seqs) = try recorded("cli")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try tamper(path, "UPDATE pulses SET voltage_v = 3000 WHERE pulse_index = 7")
    let (status, error) = try Self.irectl(["records", "verify", "--record", path])
    #expect(status == 1)
    #expect(error.contains("pulses row seq \(seqs[7] ?? -1): was changed after it was written"), "\(error)")
  }

  /// Runs the built irectl; its exit status and standard error.
  static func irectl(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.irectl)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }
}
