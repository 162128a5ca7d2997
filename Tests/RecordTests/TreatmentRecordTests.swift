import Foundation
import GRDB
import Testing

@testable import Record

/// The record shared with other processes: a writer that holds it for a moment is waited out,
/// what is only passing is tried again within a bound, a full disk is never hidden, and one
/// treatment at a time claims the file while anyone may read it.
@Suite("Treatment record shared with other processes", .serialized)
struct TreatmentRecordTests {
  @Test func aCommitWaitsOutAnotherConnectionHoldingTheRecordBriefly() throws {
    let path = RecordFixtures.temporary("held-briefly.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let writer = try record.begin(RecordFixtures.session("s"))
    let released = try RecordFixtures.holdWriteLock(path, for: 0.1)
    let start = Date()
    writer.append("temperatures", [1.0, 31.5])
    try writer.commit()
    #expect(Date().timeIntervalSince(start) >= 0.05, "the commit met the other connection's lock")
    released.wait()
    #expect(try record.verify() == nil)
    #expect(writer.uncommitted == 0)
  }

  /// A treatment starting while another process opens the same new record (`irectl records`,
  /// a console's reader): both find its schema missing and both write it. Each opening here
  /// is its own connection, as another process's would be, released at one instant.
  @Test func openersOfANewRecordAtOnceAllOpenIt() throws {
    let openers = 4
    for round in 0..<25 {
      let path = RecordFixtures.temporary("opened-at-once-\(round).sqlite")
      defer { RecordFixtures.remove(path) }
      let ready = DispatchGroup()
      let go = DispatchSemaphore(value: 0)
      let done = DispatchGroup()
      let errors = OpeningErrors()
      for _ in 0..<openers {
        ready.enter()
        done.enter()
        Thread.detachNewThread {
          ready.leave()
          go.wait()
          do { _ = try TreatmentRecord(path: path) } catch { errors.add("\(error)") }
          done.leave()
        }
      }
      ready.wait()
      for _ in 0..<openers { go.signal() }
      done.wait()
      #expect(errors.all.isEmpty, "round \(round): \(errors.all)")
      let record = try TreatmentRecord(path: path)
      let applied = try record.queue.read { try RecordSchema.migrator().appliedIdentifiers($0) }
      #expect(applied == Set(RecordSchema.migrator().migrations))
      #expect(try record.verify() == nil)
    }
  }

  /// Opening a record waits while another opener holds the opening lock: nothing of the
  /// record is made before it lets go.
  @Test func openingARecordWaitsForTheOpeningLock() throws {
    let path = RecordFixtures.temporary("opening-waits.sqlite")
    defer { RecordFixtures.remove(path) }
    let held = open(TreatmentRecord.openingLockPath(path), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    try #require(held >= 0 && flock(held, LOCK_EX) == 0)
    let opened = DispatchSemaphore(value: 0)
    let errors = OpeningErrors()
    Thread.detachNewThread {
      do { _ = try TreatmentRecord(path: path) } catch { errors.add("\(error)") }
      opened.signal()
    }
    #expect(opened.wait(timeout: .now() + 0.3) == .timedOut, "it opened while the lock was held")
    #expect(!FileManager.default.fileExists(atPath: path), "the record was made while the lock was held")
    close(held)
    #expect(opened.wait(timeout: .now() + 30) == .success)
    #expect(errors.all.isEmpty, "\(errors.all)")
    #expect(try TreatmentRecord(path: path).verify() == nil)
  }

  /// An opener stuck with the opening lock (a stopped process) is waited for within a bound,
  /// then named; once it lets go, the record opens.
  @Test func anOpenerStuckHoldingTheOpeningLockIsNamedAfterTheWait() throws {
    let path = RecordFixtures.temporary("stuck-opener.sqlite")
    defer { RecordFixtures.remove(path) }
    let held = open(TreatmentRecord.openingLockPath(path), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    try #require(held >= 0 && flock(held, LOCK_EX) == 0)
    let start = Date()
    #expect {
      try TreatmentRecord.whileOpening(path, wait: 0.2) {}
    } throws: { error in
      let text = "\(error)"
      return text.contains("another process has been opening it for over 0.2 s")
        && text.contains(TreatmentRecord.openingLockPath(path))
    }
    #expect(Date().timeIntervalSince(start) >= 0.2)
    close(held)
    let record = try TreatmentRecord(path: path)
    #expect(try record.verify() == nil)
  }

  @Test func aConnectionHoldingTheRecordTooLongFailsTheCommitWithinItsBound() throws {
    let path = RecordFixtures.temporary("held-long.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let writer = try record.begin(RecordFixtures.session("s"))
    let released = try RecordFixtures.holdWriteLock(path, for: 3)
    let start = Date()
    writer.append("temperatures", [1.0, 31.5])
    let error = #expect(throws: DatabaseError.self) { try writer.commit() }
    let waited = Date().timeIntervalSince(start)
    #expect(error?.resultCode == .SQLITE_BUSY)
    // Three tries of half a second each, and two pauses: bounded, and well short of the holder.
    #expect(waited >= 1.4 && waited < 2.5, "waited \(waited) s")
    released.wait()
    try writer.commit()
    #expect(try record.verify() == nil, "the rows kept are committed once the record is free")
  }

  @Test func transientErrorsAreTriedAgainAFullDiskIsNot() throws {
    final class Tries { var count = 0 }
    func attempts(failingWith code: ResultCode, times: Int) -> (tries: Int, error: DatabaseError?) {
      let tries = Tries()
      do {
        try TreatmentRecord.retryingTransientErrors {
          tries.count += 1
          if tries.count <= times { throw DatabaseError(resultCode: code) }
        }
        return (tries.count, nil)
      } catch {
        return (tries.count, error as? DatabaseError)
      }
    }
    for code in [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR] {
      let passing = attempts(failingWith: code, times: 2)
      #expect(passing.tries == 3 && passing.error == nil, "\(code): passes on the third try")
      let lasting = attempts(failingWith: code, times: 10)
      #expect(lasting.tries == TreatmentRecord.commitAttempts && lasting.error?.resultCode == code, "\(code)")
    }
    for code in [ResultCode.SQLITE_FULL, .SQLITE_CONSTRAINT, .SQLITE_CORRUPT, .SQLITE_READONLY] {
      let failed = attempts(failingWith: code, times: 1)
      #expect(failed.tries == 1 && failed.error?.resultCode == code, "\(code) is not tried again")
    }
    #expect(TreatmentRecord.isTransient(DatabaseError(resultCode: .SQLITE_IOERR)))
    #expect(!TreatmentRecord.isTransient(DatabaseError(resultCode: .SQLITE_FULL)))
  }

  @Test func aFullDiskFailsTheCommitAtOnce() throws {
    let path = RecordFixtures.temporary("full.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let writer = try record.begin(RecordFixtures.session("s"))
    // The file may not grow by a single page: as a full disk looks to SQLite.
    try record.queue.writeWithoutTransaction { db in
      let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
      try db.execute(sql: "PRAGMA max_page_count = \(pages)")
    }
    for index in 0..<200 {
      writer.append(
        "interlock_events", ["hardware_error", nil, String(repeating: "x", count: 2000), 1.0, index])
    }
    let error = #expect(throws: DatabaseError.self) { try writer.commit() }
    #expect(error?.resultCode == .SQLITE_FULL, "the full disk is reported as it is")
  }

  @Test func oneTreatmentClaimsTheRecordAndReadersStillRead() throws {
    let path = RecordFixtures.temporary("claimed.sqlite")
    defer { RecordFixtures.remove(path) }
    let first = try TreatmentRecord(path: path)
    try first.claimForTreatment()
    try first.claimForTreatment()  // claiming twice is harmless
    let writer = try first.begin(RecordFixtures.session("s"))

    let second = try TreatmentRecord(path: path)
    #expect(throws: RecordInUse(path: path, holder: getpid())) { try second.claimForTreatment() }
    #expect(
      String(describing: RecordInUse(path: path, holder: 42))
        == "the record \(path) is in use by another treatment (process 42): one treatment writes a record"
        + " at a time; let it end, or give this one another record")
    // Readers take no claim.
    let reader = try TreatmentRecord(path: path)
    #expect(try reader.sessions().map(\.session) == ["s"])
    #expect(try reader.verify() == nil)

    writer.finish()
    first.releaseClaim()
    try second.claimForTreatment()
  }

  @Test func aClaimEndsWithItsRecord() throws {
    let path = RecordFixtures.temporary("claim-ends.sqlite")
    defer { RecordFixtures.remove(path) }
    do {
      let first = try TreatmentRecord(path: path)
      try first.claimForTreatment()
    }
    try TreatmentRecord(path: path).claimForTreatment()
  }
}

/// `records list` and the report: a session without an end is running only while its writer
/// holds its lock.
@Suite("Sessions without an end")
struct OpenSessionTests {
  @Test func aSessionIsRunningOnlyWhileItsWriterHoldsIt() throws {
    let path = RecordFixtures.temporary("open-sessions.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let live = try record.begin(RecordFixtures.session("a-live"))
    do {
      // Its process killed: the kernel dropped the lock, the file stays.
      _ = try record.begin(RecordFixtures.session("b-killed"))
    }
    let finished = try record.begin(RecordFixtures.session("c-lock-gone"))
    finished.finish()
    let outcomes = try record.sessions().map { "\($0.session) \($0.outcome)" }
    #expect(
      outcomes == [
        "a-live running", "b-killed interrupted (not yet closed)", "c-lock-gone interrupted (not yet closed)",
      ])
    #expect(try record.reportData(for: "a-live").session.outcome == "running")
    #expect(try record.reportData(for: "b-killed").session.outcome == "interrupted (not yet closed)")
    let view = try record.queue.read {
      try String.fetchAll($0, sql: "SELECT outcome FROM session_summary ORDER BY session_id")
    }
    #expect(
      view == ["not closed", "not closed", "not closed"], "SQL cannot know who is alive, and does not say")
    live.finish()
  }

  @Test func recoveryClosesTheIntactAndTellsOfTheBroken() throws {
    let path = RecordFixtures.temporary("recovery.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    for id in ["intact", "broken"] {
      let writer = try record.begin(RecordFixtures.session(id, protocolName: "p-\(id)"))
      writer.append("temperatures", [1.0, 31.5])
      try writer.commit()
    }
    try record.queue.write {
      try $0.execute(sql: "UPDATE temperatures SET heat_sink_c = 20 WHERE session_id = 'broken'")
    }
    let recovery = try record.recoverInterrupted()
    #expect(recovery.closed.map(\.session) == ["intact"])
    let chainBreak = ChainBreak(
      session: "broken", table: "temperatures", seq: 3, problem: "was changed after it was written")
    #expect(
      recovery.unverified == [
        UnverifiedSession(
          session: "broken", protocolName: "p-broken", simulated: true, chainBreak: chainBreak)
      ])
    #expect(try record.verify(session: "broken") == chainBreak, "left as it is")
    #expect(try record.recoverInterrupted().unverified.count == 1, "and told again, every time")
  }
}

/// What the threads of one test failed with, kept under a lock.
private final class OpeningErrors: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [String] = []
  func add(_ error: String) { lock.withLock { list.append(error) } }
  var all: [String] { lock.withLock { list } }
}
