import Foundation
import GRDB
import Testing

@testable import Record

/// The chain's formats: format 2 hashes every list of fields differently, format 1 sessions
/// (everything written before format 2) still verify and are continued in their own format,
/// and tampering is found in both.
@Suite("Hash chain formats")
struct HashChainTests {
  static var interlockEvent: [(any DatabaseValueConvertible)?] {
    ["fault", "lid", "reason with a\ns:b in it", 1.5, 3]
  }

  @Test func valuesThatCollidedWhenJoinedByNewlinesHashApartWhenLengthPrefixed() {
    let one: [DatabaseValue] = ["a\ns:b".databaseValue]
    let two: [DatabaseValue] = ["a".databaseValue, "b".databaseValue]
    func link(_ values: [DatabaseValue], _ format: HashChain.Format) -> String {
      HashChain.link(previous: "p", table: "interlock_events", seq: 4, values: values, format: format)
    }
    #expect(link(one, .joinedByNewline) == link(two, .joinedByNewline), "format 1 is not injective")
    #expect(link(one, .lengthPrefixed) != link(two, .lengthPrefixed))
    // A field's end cannot be moved into the next one either.
    #expect(
      link(["ab".databaseValue, "c".databaseValue], .lengthPrefixed)
        != link(["a".databaseValue, "bc".databaseValue], .lengthPrefixed))
    #expect(HashChain.Format.current == .lengthPrefixed)
  }

  @Test func formatOneIsTheHashEverySessionBeforeFormatTwoWasWrittenWith() {
    // The first row of the completed session of the fixture, as written then.
    let raw: [(any DatabaseValueConvertible)?] = [
      "simulator", 1, "reference-board-sim", "firmware-config/boards/reference-sim.yaml",
      "c3e9cbb8bbcbc978913bdf711f7da56fb930253fa83c06928a32dec54f12346a", "chain-v1-fixture",
      "chain-v1-fixture.yaml", "6ff0a5e1c25d050a0afcec1ee739417d97d74b97ac3c506b8470627dfdc17e52", "0.5.0",
      "scripted operator (simulator)", 3, "2026-11-30T18:44:49Z", 6, nil, nil,
    ]
    let values = raw.map { $0?.databaseValue ?? .null }
    let session = "0d68cb4d-6a25-45d1-9caa-e4481fb43f0a"
    let hash = HashChain.link(
      previous: HashChain.genesis(session), table: "sessions", seq: 1, values: values,
      format: .joinedByNewline)
    #expect(hash == (try? Self.fixtureRowHash(session: session, seq: 1)))
  }

  @Test func newSessionsAreWrittenInFormatTwo() throws {
    let path = RecordFixtures.temporary("format-two.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let writer = try record.begin(RecordFixtures.session("s-2"))
    writer.append("interlock_events", Self.interlockEvent)
    try writer.commit()
    writer.finish()
    #expect(try record.verify() == nil)
    #expect(try record.queue.read { try TreatmentRecord.chainFormatVersion(of: "s-2", in: $0) } == 2)
  }

  @Test func aFormatOneSessionStillVerifiesAndIsContinuedInFormatOne() throws {
    let path = RecordFixtures.temporary("format-one.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    do {
      // Written the way every session was before format 2, then left without an end.
      let writer = try record.begin(RecordFixtures.session("s-1"), format: .joinedByNewline)
      writer.append("interlock_events", Self.interlockEvent)
      try writer.commit()
    }
    let stored = try record.queue.read {
      try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM chain_formats WHERE session_id = 's-1'")
    }
    #expect(stored == 0, "format 1 is the absence of a row")
    #expect(try record.verify() == nil)
    #expect(try record.recoverInterrupted().closed.map(\.session) == ["s-1"])
    #expect(try record.verify() == nil, "the end recovery appended is in format 1 too")

    try record.queue.write {
      try $0.execute(sql: "UPDATE interlock_events SET reason = 'reason' WHERE session_id = 's-1'")
    }
    #expect(try record.verify()?.problem == "was changed after it was written")
  }

  @Test func tamperingIsFoundInFormatTwo() throws {
    let path = RecordFixtures.temporary("format-two-tampered.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let writer = try record.begin(RecordFixtures.session("s-2"))
    writer.append("interlock_events", Self.interlockEvent)
    try writer.commit()
    writer.finish()
    try record.queue.write {
      try $0.execute(sql: "UPDATE interlock_events SET reason = 'reason with a' WHERE session_id = 's-2'")
    }
    let changed = try #require(try record.verify(session: "s-2"))
    #expect(changed.table == "interlock_events" && changed.problem == "was changed after it was written")
  }

  @Test func theFormatOfASessionCannotBeChangedUnnoticed() throws {
    for (sql, table, problem) in [
      ("DELETE FROM chain_formats", "sessions", "was changed after it was written"),
      ("UPDATE chain_formats SET version = 1", "sessions", "was changed after it was written"),
      (
        "UPDATE chain_formats SET version = 3", "chain_formats",
        "chain format 3 is not one this software knows (known: 1, 2)"
      ),
    ] {
      let path = RecordFixtures.temporary("format-changed.sqlite")
      defer { RecordFixtures.remove(path) }
      let record = try TreatmentRecord(path: path)
      let writer = try record.begin(RecordFixtures.session("s-2"))
      writer.finish()
      try record.queue.write { try $0.execute(sql: sql) }
      let broken = try #require(try record.verify(), "\(sql)")
      #expect(broken.table == table && broken.problem == problem, "\(sql)")
    }
  }

  /// A record written by the software before chain formats were kept (a completed session and
  /// one killed mid-treatment), loaded from its SQL dump.
  static func recordWrittenBeforeChainFormats(_ name: String) throws -> String {
    let path = RecordFixtures.temporary(name)
    let sql = try String(
      contentsOfFile: RecordFixtures.fixture("record-written-before-chain-formats.sql"), encoding: .utf8)
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
    return path
  }

  static func fixtureRowHash(session: String, seq: Int64) throws -> String? {
    let path = try recordWrittenBeforeChainFormats("row-hash.sqlite")
    defer { RecordFixtures.remove(path) }
    return try DatabaseQueue(path: path).read {
      try String.fetchOne(
        $0, sql: "SELECT row_hash FROM sessions WHERE session_id = ? AND seq = ?", arguments: [session, seq])
    }
  }

  @Test func aRecordWrittenBeforeChainFormatsStillVerifiesIsRecoveredAndGrows() throws {
    let path = try Self.recordWrittenBeforeChainFormats("before-formats.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    #expect(try record.verify() == nil)
    let killed = "197e05d1-0338-4758-b71d-b6346d20dbec"
    let recovered = try record.recoverInterrupted().closed
    #expect(recovered.map(\.session) == [killed])
    let delivered = try #require(recovered.first?.delivered)
    #expect(
      delivered.lowerBound == 9 && delivered.count <= 2, "nine pulses on record, one intent at most beyond")
    try record.acknowledgeInterrupted(killed, by: "tester")
    let writer = try record.begin(RecordFixtures.session("after"))
    writer.append("session_ends", ["completed", "2026-01-01T00:01:00Z", 0, 0, 0.0, 0])
    try writer.commit()
    writer.finish()
    #expect(try record.verify() == nil, "old sessions in format 1 and a new one in format 2, side by side")
    let formats = try record.queue.read {
      try Row.fetchAll($0, sql: "SELECT session_id, version FROM chain_formats").map {
        "\($0["session_id"] as String) \($0["version"] as Int)"
      }
    }
    #expect(formats == ["after 2"])
    #expect(try record.sessions().map(\.outcome).sorted() == ["completed", "completed", "interrupted"])
  }
}
