import Foundation
import GRDB
import Testing

@testable import Record

/// The board's record, shared by the technicians of the group irectl (a setgid directory):
/// every file of it is the group's to write, whoever made it, and reading it while a treatment
/// writes never takes the writer's lock.
@Suite("A record shared by a group", .serialized)
struct SharedRecordTests {
  /// A fresh directory, setgid or not.
  static func directory(_ name: String, setgid: Bool) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "irectl-shared-record-\(getpid())-\(name)"
    ).path
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    #expect(chmod(path, setgid ? 0o2770 : 0o755) == 0)
    return path
  }

  static func mode(_ path: String) -> mode_t {
    var status = stat()
    guard stat(path, &status) == 0 else { return 0 }
    return status.st_mode & 0o777
  }

  @Test func inASetgidDirectoryEveryFileOfTheRecordIsTheGroupsToWrite() throws {
    let directory = try Self.directory("setgid", setgid: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // A umask that would take the group's write away, as a login's usually does.
    let before = umask(0o022)
    defer { umask(before) }
    let path = directory + "/records.sqlite"
    let record = try TreatmentRecord(path: path)
    try record.claimForTreatment()
    let writer = try record.begin(RecordFixtures.session("shared"))
    writer.append("temperatures", [1.0, 31.5])
    try writer.commit()
    for file in [
      path, path + "-wal", path + "-shm", record.claimPath, record.lockPath(for: "shared"),
      TreatmentRecord.openingLockPath(path),
    ] {
      #expect(Self.mode(file) == 0o660, "\(file)")
    }
    writer.finish()
  }

  @Test func elsewhereTheRecordIsMadeAsBefore() throws {
    let directory = try Self.directory("plain", setgid: false)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let before = umask(0o022)
    defer { umask(before) }
    let path = directory + "/records.sqlite"
    let record = try TreatmentRecord(path: path)
    try record.claimForTreatment()
    #expect(Self.mode(path) == 0o644)
    #expect(Self.mode(record.claimPath) == 0o644)
    #expect(Self.mode(TreatmentRecord.openingLockPath(path)) == 0o644)
  }

  @Test func readingNeverWaitsForTheWritersLock() throws {
    let path = RecordFixtures.temporary("read-while-written.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let writer = try record.begin(RecordFixtures.session("s"))
    writer.append("temperatures", [1.0, 31.5])
    try writer.commit()
    // A commit in progress holds the write lock for a second; records list, show and report
    // open the record and read it meanwhile.
    let released = try RecordFixtures.holdWriteLock(path, for: 1)
    let start = Date()
    let reader = try TreatmentRecord(path: path)
    #expect(try reader.sessions().count == 1)
    #expect(try reader.rows(of: "s").count > 1)
    let waited = Date().timeIntervalSince(start)
    #expect(waited < 0.25, "the reader waited \(waited) s for the writer")
    released.wait()
  }

  @Test func aReaderInTheMiddleOfReadingNeverDelaysACommit() throws {
    let path = RecordFixtures.temporary("commit-while-read.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let writer = try record.begin(RecordFixtures.session("s"))
    // A reader (a report being rendered) holds a read transaction open across the commit.
    var configuration = Configuration()
    configuration.allowsUnsafeTransactions = true
    let reader = try DatabaseQueue(path: path, configuration: configuration)
    try reader.writeWithoutTransaction { db in
      try db.execute(sql: "BEGIN")
      _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sessions")
    }
    let start = Date()
    writer.append("temperatures", [1.0, 31.5])
    try writer.commit()
    let waited = Date().timeIntervalSince(start)
    try reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
    #expect(waited < 0.25, "the commit waited \(waited) s for a reader")
  }
}
