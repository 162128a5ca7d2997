import GRDB

/// A session found without an end after a crash, closed as interrupted.
public struct InterruptedSession: Sendable, Equatable {
  public var session: String
  public var protocolName: String
  public var simulated: Bool
  /// The pulses delivered lie in this range: the outcomes on record, and at most the pulses
  /// whose intent was durable (one train more).
  public var delivered: ClosedRange<Int>
}

extension TreatmentRecord {
  /// Finds every session that did not end (the process was killed, the power lost), closes it
  /// as `interrupted` with its delivered count bounded from its intents and outcomes, and
  /// returns them so that the operator can be told before anything else starts.
  public func recoverInterrupted() throws -> [InterruptedSession] {
    let open = try queue.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT s.session_id, s.protocol_name, s.simulated FROM sessions s
          WHERE NOT EXISTS (SELECT 1 FROM session_ends e WHERE e.session_id = s.session_id)
          ORDER BY s.rowid
          """)
    }
    var recovered: [InterruptedSession] = []
    for row in open {
      let id: String = row["session_id"]
      let bounds = try queue.read { db -> ClosedRange<Int> in
        let delivered =
          try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pulses WHERE session_id = ?", arguments: [id]) ?? 0
        let outstanding =
          try Int.fetchOne(
            db,
            sql: """
              SELECT COALESCE(SUM(i.train_pulses), 0) FROM pulse_intents i
              WHERE i.session_id = ? AND NOT EXISTS
                (SELECT 1 FROM pulses p WHERE p.session_id = i.session_id AND p.pulse_index = i.pulse_index)
              """, arguments: [id]) ?? 0
        return delivered...(delivered + outstanding)
      }
      let last = try queue.read { db in
        try Row.fetchOne(
          db,
          sql: RecordSchema.tables.map { "SELECT seq, row_hash FROM \($0) WHERE session_id = :id" }
            .joined(separator: " UNION ALL ") + " ORDER BY seq DESC LIMIT 1", arguments: ["id": id])
      }
      guard let last else { continue }
      let writer = SessionWriter(record: self, id: id, continuing: (last["seq"], last["row_hash"]))
      writer.append(
        "session_ends",
        ["interrupted", TreatmentRecord.timestamp(), bounds.lowerBound, bounds.upperBound, nil as Double?, 1])
      try writer.commit()
      recovered.append(
        InterruptedSession(
          session: id, protocolName: row["protocol_name"], simulated: (row["simulated"] as Int) == 1,
          delivered: bounds))
    }
    return recovered
  }

  /// Records that the operator acknowledged the interrupted `session` before a new treatment.
  public func acknowledgeInterrupted(_ session: String, by operatorName: String) throws {
    let last = try queue.read { db in
      try Row.fetchOne(
        db,
        sql: RecordSchema.tables.map { "SELECT seq, row_hash FROM \($0) WHERE session_id = :id" }
          .joined(separator: " UNION ALL ") + " ORDER BY seq DESC LIMIT 1", arguments: ["id": session])
    }
    guard let last else { return }
    let writer = SessionWriter(record: self, id: session, continuing: (last["seq"], last["row_hash"]))
    writer.append(
      "interlock_events",
      [
        "interruption_acknowledged", nil as String?, "acknowledged by \(operatorName)", nil as Double?,
        nil as Int?,
      ])
    try writer.commit()
  }
}
