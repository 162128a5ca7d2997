import GRDB

#if canImport(Glibc)
  import Glibc
#endif

/// A session found without an end after a crash, closed as interrupted.
public struct InterruptedSession: Sendable, Equatable {
  public var session: String
  public var protocolName: String
  public var simulated: Bool
  /// The pulses delivered lie in this range: at least those measured on record, at most every
  /// pulse listed (an edge driven, measured or not) and every pulse whose intent was durable
  /// (one train more).
  public var delivered: ClosedRange<Int>
}

/// A session found without an end whose chain does not verify. It is left as it is: closing it
/// would extend, and so seal, whatever was done to it.
public struct UnverifiedSession: Sendable, Equatable, CustomStringConvertible {
  public var session: String
  public var protocolName: String
  public var simulated: Bool
  /// Where its chain breaks.
  public var chainBreak: ChainBreak

  public var description: String {
    "session \(session) (\(protocolName)) did not end, and its chain does not verify:"
      + " \(chainBreak.table) row seq \(chainBreak.seq) \(chainBreak.problem); it was left as it is, not closed"
      + " (irectl records verify names the break)"
  }
}

/// What recovery found among the sessions that did not end.
public struct Recovery: Sendable, Equatable {
  /// Closed now as interrupted, with their delivered counts bounded.
  public var closed: [InterruptedSession] = []
  /// Not closed: their chain does not verify. The operator must hear of them too.
  public var unverified: [UnverifiedSession] = []

  public var isEmpty: Bool { closed.isEmpty && unverified.isEmpty }
}

extension TreatmentRecord {
  /// Finds every session that did not end (the process was killed, the power lost), closes it
  /// as `interrupted` with its delivered count bounded from its intents and outcomes, and
  /// returns them so that the operator can be told before anything else starts; and returns,
  /// beside them, every such session whose chain does not verify, which is left as it is.
  public func recoverInterrupted() throws -> Recovery {
    let open = try queue.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT s.session_id, s.protocol_name, s.simulated FROM sessions s
          WHERE NOT EXISTS (SELECT 1 FROM session_ends e WHERE e.session_id = s.session_id)
          ORDER BY s.rowid
          """)
    }
    var recovery = Recovery()
    for row in open {
      let id: String = row["session_id"]
      // A session still being written is alive; a chain that does not verify is not extended
      // (that would seal whatever was done to it): it is reported as it is.
      if isBeingWritten(id) { continue }
      if let broken = try verify(session: id) {
        recovery.unverified.append(
          UnverifiedSession(
            session: id, protocolName: row["protocol_name"], simulated: (row["simulated"] as Int) == 1,
            chainBreak: broken))
        continue
      }
      let bounds = try queue.read { db -> ClosedRange<Int> in
        // Known delivered: the pulses the supervisor counted and measured. A pulse listed
        // without a measurement (its edge went out, its read-back failed) may have been.
        let measured =
          try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM pulses WHERE session_id = ? AND current_a IS NOT NULL",
            arguments: [id]) ?? 0
        let listed =
          try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pulses WHERE session_id = ?", arguments: [id]) ?? 0
        // At most the last durable intent's train went out after the last recorded outcome.
        let last = try Row.fetchOne(
          db,
          sql:
            "SELECT pulse_index, train_pulses FROM pulse_intents WHERE session_id = ? ORDER BY seq DESC LIMIT 1",
          arguments: [id])
        let reach = last.map { ($0["pulse_index"] as Int) + ($0["train_pulses"] as Int) } ?? 0
        return measured...max(listed, reach)
      }
      guard let writer = try continuing(id) else { continue }
      writer.append(
        "session_ends",
        ["interrupted", TreatmentRecord.timestamp(), bounds.lowerBound, bounds.upperBound, nil as Double?, 1])
      try writer.commit()
      unlink(lockPath(for: id))
      recovery.closed.append(
        InterruptedSession(
          session: id, protocolName: row["protocol_name"], simulated: (row["simulated"] as Int) == 1,
          delivered: bounds))
    }
    return recovery
  }

  /// Records that the operator acknowledged the interrupted `session` before a new treatment.
  public func acknowledgeInterrupted(_ session: String, by operatorName: String) throws {
    guard let writer = try continuing(session) else { return }
    writer.append(
      "interlock_events",
      [
        "interruption_acknowledged", nil as String?, "acknowledged by \(operatorName)", nil as Double?,
        nil as Int?,
      ])
    try writer.commit()
  }

  /// A writer that appends to `session`'s chain after its last row (`nil` if it has none).
  private func continuing(_ session: String) throws -> SessionWriter? {
    let last = try queue.read { db in
      try Row.fetchOne(
        db,
        sql: RecordSchema.tables.map { "SELECT seq, row_hash FROM \($0) WHERE session_id = :id" }
          .joined(separator: " UNION ALL ") + " ORDER BY seq DESC LIMIT 1", arguments: ["id": session])
    }
    guard let last else { return nil }
    let version = try queue.read { db in try Self.chainFormatVersion(of: session, in: db) }
    // A format this software does not know cannot be continued (verify reports it).
    guard let format = HashChain.Format(rawValue: version) else { return nil }
    return SessionWriter(
      record: self, id: session, format: format, continuing: (last["seq"], last["row_hash"]))
  }
}
