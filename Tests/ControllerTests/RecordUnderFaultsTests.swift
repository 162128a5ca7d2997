import Controller
import Foundation
import GRDB
import Record
import Simulator
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A record file that is not a record, is cut short, comes from a newer irectl, cannot be
/// written, or fills its disk: refused before anything moves, or (mid-treatment) a `record`
/// fault before the next pulse. The file is never overwritten or silently shortened.
@Suite("The record under faults")
struct RecordUnderFaultsTests {
  static func simulate(record path: String) throws -> SimulationResult {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.fixture("short-fixed-rate"), boardPath: Paths.simBoard, seed: 3,
        recordPath: path, showProgress: false))
  }

  /// The treatment is refused with an error naming the record, and the file's bytes are what
  /// they were.
  func expectRefused(_ path: String, saying words: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(sourceLocation: sourceLocation) {
      try Self.simulate(record: path)
    } throws: { error in
      let text = String(describing: error)
      return text.contains(path) && text.contains(words)
    }
    let after = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(after == before, "the record file was changed", sourceLocation: sourceLocation)
  }

  @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAsItWas() throws {
    let path = Paths.temporary("not-sqlite.sqlite")
    defer { Paths.removeRecord(path) }
    try Data("patient notes, not a treatment record\n".utf8).write(to: URL(fileURLWithPath: path))
    try expectRefused(path, saying: "not a treatment record")
  }

  @Test func aTruncatedRecordIsRefusedAndLeftAsItWas() throws {
    let path = Paths.temporary("truncated.sqlite")
    defer { Paths.removeRecord(path) }
    _ = try Self.simulate(record: path)
    RecordFiles.checkpoint(path)
    let whole = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(whole.count >= 8 * 4096, "a record of several pages")
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
    try expectRefused(path, saying: "cut short")
  }

  @Test func aRecordOfANewerSchemaIsRefusedAndLeftAsItWas() throws {
    let path = Paths.temporary("newer.sqlite")
    defer { Paths.removeRecord(path) }
    _ = try Self.simulate(record: path)
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: a later irectl')")
    }
    try queue.close()
    RecordFiles.checkpoint(path)
    try expectRefused(path, saying: "v99: a later irectl")
  }
}

/// Record files as the tests handle them.
enum RecordFiles {
  /// Folds the write-ahead log into the file, so that its bytes are the whole record.
  static func checkpoint(_ path: String) {
    guard let queue = try? DatabaseQueue(path: path) else { return }
    _ = try? queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    try? queue.close()
  }
}

/// Records on a file system of their own: one that fills up, one that is read-only. Mounting
/// needs root, which CI has; elsewhere these two tests say why they do not run.
@Suite(
  "The record on a full or read-only disk", .enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
struct RecordOnItsOwnDiskTests {
  /// A tmpfs of `kilobytes` at a fresh directory; `body` gets the record's path in it.
  func withDisk(kilobytes: Int, _ body: (String, String) throws -> Void) throws {
    let directory = Paths.temporary("disk-\(kilobytes)k")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", directory])
    defer {
      try? Self.run("/bin/umount", [directory])
      try? FileManager.default.removeItem(atPath: directory)
    }
    try body(directory, directory + "/records.sqlite")
  }

  static func run(_ tool: String, _ arguments: [String]) throws {
    let process = try Process.run(URL(fileURLWithPath: tool), arguments: arguments)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(tool) \(arguments)"])
    }
  }

  /// The disk fills while the treatment writes: the intent that does not fit is never
  /// durable, its pulse never fires, the treatment ends on a `record` fault and says the record
  /// is incomplete (a full disk is not tried again), and what was written stands: the chain
  /// verifies and holds an intent for every edge the board saw.
  @Test func aDiskThatFillsMidTreatmentIsARecordFaultBeforeTheNextPulse() throws {
    final class Box: @unchecked Sendable { var board: SimulatedBoard? }
    try withDisk(kilobytes: 512) { _, path in
      let box = Box()
      #expect {
        try SimulationSession.run(
          SimulationOptions(
            protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 9,
            recordPath: path, showProgress: false),
          prepare: { box.board = $0 })
      } throws: { error in
        let text = String(describing: error)
        return text.contains("disk is full") && text.contains("it is incomplete")
      }
      let board = try #require(box.board)
      let edges = board.fireEdges.count
      #expect(edges > 0 && edges < 100, "the disk filled after some pulses and before the last: \(edges)")
      let record = try TreatmentRecord(path: path)
      #expect(try record.verify() == nil)
      let session = try #require(try record.sessions().first)
      let intents = try record.rows(of: session.session).filter { $0.table == "pulse_intents" }.count
      #expect(intents >= edges, "an edge without its intent on disk")
      #expect(session.pulses <= edges, "the record lists no pulse the board did not deliver")
    }
  }

  /// A record on a disk that became read-only: refused before anything moves, left as it was.
  @Test func aRecordOnAReadOnlyDiskIsRefusedAndLeftAsItWas() throws {
    try withDisk(kilobytes: 2048) { directory, path in
      _ = try RecordUnderFaultsTests.simulate(record: path)
      RecordFiles.checkpoint(path)
      try Self.run("/bin/mount", ["-o", "remount,ro", directory])
      try RecordUnderFaultsTests().expectRefused(path, saying: "Read-only file system")
    }
  }
}
