import GRDB

/// What `verify` found in one session.
public struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
  public var session: String
  public var table: String
  public var seq: Int64
  public var problem: String
  public var description: String { "session \(session): \(table) row seq \(seq): \(problem)" }
}

extension TreatmentRecord {
  /// Walks the hash chain of `session` (or of every session): every row in `seq` order, no
  /// gap, each row's `prev_hash` the previous row's hash and its own hash as recomputed. The
  /// first break, or `nil` when the chain is intact.
  public func verify(session: String? = nil) throws -> ChainBreak? {
    try queue.read { db in
      // Every session named anywhere: every chained table, the heads and the chain formats, so
      // that a session whose start row was deleted is still walked (and found broken).
      let named = (RecordSchema.tables + ["heads", "chain_formats"]).map { "SELECT session_id FROM \($0)" }
        .joined(separator: " UNION ")
      let sessions = try session.map { [$0] } ?? String.fetchAll(db, sql: named)
      for id in sessions {
        if let broken = try Self.verify(id, in: db) { return broken }
      }
      return nil
    }
  }

  /// The version of the chain format `session` was written in (`HashChain.Format`): 1 when
  /// `chain_formats` has no row for it, as for every session written before formats were kept.
  static func chainFormatVersion(of session: String, in db: Database) throws -> Int {
    try Int.fetchOne(
      db, sql: "SELECT version FROM chain_formats WHERE session_id = ?", arguments: [session]) ?? 1
  }

  static func verify(_ session: String, in db: Database) throws -> ChainBreak? {
    let version = try chainFormatVersion(of: session, in: db)
    guard let format = HashChain.Format(rawValue: version) else {
      return ChainBreak(
        session: session, table: "chain_formats", seq: 0,
        problem:
          "chain format \(version) is not one this software knows (known: \(HashChain.Format.allCases.map { String($0.rawValue) }.joined(separator: ", ")))"
      )
    }
    var rows: [(table: String, seq: Int64, values: [DatabaseValue], prev: String, hash: String)] = []
    for table in RecordSchema.tables {
      let columns = RecordSchema.columns[table] ?? []
      let list = (["seq"] + columns + ["prev_hash", "row_hash"]).joined(separator: ", ")
      for row in try Row.fetchAll(
        db, sql: "SELECT \(list) FROM \(table) WHERE session_id = ?", arguments: [session])
      {
        let values = columns.map { row[$0] as DatabaseValue }
        rows.append((table, row["seq"], values, row["prev_hash"], row["row_hash"]))
      }
    }
    guard !rows.isEmpty else {
      return ChainBreak(session: session, table: "sessions", seq: 0, problem: "no such session")
    }
    rows.sort { $0.seq < $1.seq }
    var previous = HashChain.genesis(session)
    var expected: Int64 = 1
    for row in rows {
      if row.seq != expected {
        return ChainBreak(
          session: session, table: row.table, seq: row.seq,
          problem: row.seq > expected
            ? "row seq \(expected) is missing (deleted or moved) before this one"
            : "seq \(row.seq) appears twice")
      }
      if row.prev != previous {
        return ChainBreak(
          session: session, table: row.table, seq: row.seq, problem: "does not follow the row before it")
      }
      let hash = HashChain.link(
        previous: previous, table: row.table, seq: row.seq,
        values: RecordSchema.hashed(row.table, row.values),
        format: format)
      if hash != row.hash {
        return ChainBreak(
          session: session, table: row.table, seq: row.seq, problem: "was changed after it was written")
      }
      previous = row.hash
      expected += 1
    }
    if let first = rows.first, first.table != "sessions" {
      return ChainBreak(
        session: session, table: first.table, seq: first.seq, problem: "the session's start row is missing")
    }
    let head = try Row.fetchOne(
      db, sql: "SELECT last_seq, last_hash FROM heads WHERE session_id = ?", arguments: [session])
    if let head, let last = rows.last {
      let lastSeq: Int64 = head["last_seq"]
      let lastHash: String = head["last_hash"]
      if last.seq != lastSeq || last.hash != lastHash {
        return ChainBreak(
          session: session, table: last.table, seq: last.seq,
          problem: "is the last row, but the record's head says seq \(lastSeq): rows were cut off the end")
      }
    }
    return nil
  }
}
