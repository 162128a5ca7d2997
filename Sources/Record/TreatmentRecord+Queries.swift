import Foundation
import GRDB

/// One line of `irectl records list`.
public struct SessionSummaryRow: Sendable, Equatable, Codable {
  public var session: String
  public var backend: String
  public var simulated: Bool
  public var device: String
  public var protocolName: String
  public var startedAt: String
  public var endedAt: String?
  public var outcome: String
  public var pulses: Int
  public var deliveredMin: Int?
  public var deliveredMax: Int?
}

extension TreatmentRecord {
  /// The outcome of a session without an end whose writer holds its lock.
  public static let running = "running"
  /// The outcome of a session without an end whose writer is gone (killed, the power lost):
  /// recovery closes it as `interrupted` at the next treatment or `irectl records recover`.
  public static let interruptedNotClosed = "interrupted (not yet closed)"

  public func sessions() throws -> [SessionSummaryRow] {
    try queue.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM session_summary ORDER BY started_at, session_id").map(
        summaryRow)
    }
  }

  /// One session's line, found by its full id; `nil` if the record has no such session.
  public func session(_ id: String) throws -> SessionSummaryRow? {
    try queue.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM session_summary WHERE session_id = ?", arguments: [id])
        .map(summaryRow)
    }
  }

  private func summaryRow(_ row: Row) -> SessionSummaryRow {
    let session: String = row["session_id"]
    let ended: String? = row["ended_at"]
    let outcome: String = row["outcome"]
    return SessionSummaryRow(
      session: session, backend: row["backend"], simulated: (row["simulated"] as Int) == 1,
      device: row["device"], protocolName: row["protocol_name"], startedAt: row["started_at"],
      endedAt: ended, outcome: outcome == RecordSchema.notClosed ? openOutcome(of: session) : outcome,
      pulses: row["pulses_recorded"], deliveredMin: row["delivered_min"], deliveredMax: row["delivered_max"])
  }

  /// What a session without an end is: running only while its writer holds its lock.
  func openOutcome(of session: String) -> String {
    isBeingWritten(session) ? Self.running : Self.interruptedNotClosed
  }

  /// Interrupted sessions nobody has acknowledged yet.
  public func unacknowledgedInterruptions() throws -> [String] {
    try queue.read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT e.session_id FROM session_ends e WHERE e.outcome = 'interrupted' AND NOT EXISTS
            (SELECT 1 FROM interlock_events i WHERE i.session_id = e.session_id
               AND i.event = 'interruption_acknowledged')
          """)
    }
  }

  /// Resolves a session given by its full id or an unambiguous prefix.
  public func resolve(_ prefix: String) throws -> String? {
    let matches = try queue.read { db in
      try String.fetchAll(
        db, sql: "SELECT session_id FROM sessions WHERE session_id LIKE ? ESCAPE '\\'",
        arguments: [
          prefix.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        ])
    }
    return matches.count == 1 ? matches[0] : nil
  }

  /// Every row of every table of `session`, as column → value, in chain order.
  public func rows(of session: String) throws -> [(table: String, values: [String: RecordValue])] {
    try queue.read { db in
      var rows: [(table: String, seq: Int64, values: [String: RecordValue])] = []
      for table in RecordSchema.tables {
        for row in try Row.fetchAll(
          db, sql: "SELECT * FROM \(table) WHERE session_id = ?", arguments: [session])
        {
          var values: [String: RecordValue] = [:]
          for column in row.columnNames { values[column] = RecordValue(row[column] as DatabaseValue) }
          rows.append((table, row["seq"], values))
        }
      }
      return rows.sorted { $0.seq < $1.seq }.map { ($0.table, $0.values) }
    }
  }

  /// The pulses of `session` as CSV, one line per pulse, units in the header.
  public func pulsesCSV(of session: String) throws -> String {
    let columns = RecordSchema.columns["pulses"] ?? []
    return try queue.read { db in
      var lines = [columns.joined(separator: ",")]
      for row in try Row.fetchAll(
        db, sql: "SELECT \(columns.joined(separator: ", ")) FROM pulses WHERE session_id = ? ORDER BY seq",
        arguments: [session])
      {
        lines.append(
          columns.map { column -> String in
            let value: DatabaseValue = row[column]
            switch value.storage {
            case .null: return ""
            case .int64(let n): return String(n)
            case .double(let d): return String(d)
            case .string(let s): return s.contains(",") ? "\"\(s)\"" : s
            case .blob: return ""
            }
          }.joined(separator: ","))
      }
      return lines.joined(separator: "\n") + "\n"
    }
  }

  /// The plan inputs of a session's row, when all of them were recorded.
  static func planInputs(_ row: Row) -> PlanInputs? {
    guard let tissue = row["tissue"] as String?, let library = row["tissue_library_sha256"] as String?,
      let version = row["planner_version"] as String?, let resolution = row["plan_resolution_mm"] as Double?
    else { return nil }
    return PlanInputs(
      tissue: tissue, tissueLibrarySHA256: library, plannerVersion: version, resolutionMm: resolution)
  }

  /// What the report shows, read from the record.
  public func reportData(for session: String) throws -> ReportData {
    try queue.read { db in
      guard
        let s = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE session_id = ?", arguments: [session])
      else { throw OpenError(path: path, detail: "no session \(session)") }
      let end = try Row.fetchOne(
        db, sql: "SELECT * FROM session_ends WHERE session_id = ?", arguments: [session])
      let setSize: Int = s["set_size"] ?? 1
      let min: Int? = end?["delivered_min"]
      let max: Int? = end?["delivered_max"]
      let info = ReportData.Session(
        id: session, backend: s["backend"], simulated: (s["simulated"] as Int) == 1, device: s["device"],
        protocolName: s["protocol_name"], protocolSHA256: s["protocol_sha256"],
        boardSHA256: s["board_sha256"],
        softwareVersion: s["software_version"], operatorName: s["operator"], startedAt: s["started_at"],
        endedAt: end?["ended_at"], outcome: end?["outcome"] ?? openOutcome(of: session),
        deliveredBounds: (end?["outcome"] as String?) == "interrupted"
          ? min.flatMap { lo in max.map { lo...$0 } } : nil, protocolFile: s["protocol_file"],
        boardFile: s["board_file"], planInputs: Self.planInputs(s))
      let pairs = try Row.fetchAll(
        db, sql: "SELECT * FROM pairs WHERE session_id = ? ORDER BY seq", arguments: [session]
      )
      .map {
        ReportData.Pair(
          index: $0["pair_index"], anode: $0["anode"], cathode: $0["cathode"], voltageV: $0["voltage_v"],
          setSize: setSize)
      }
      let pulses = try Row.fetchAll(
        db, sql: "SELECT * FROM pulses WHERE session_id = ? ORDER BY seq", arguments: [session]
      )
      .map {
        ReportData.Pulse(
          index: $0["pulse_index"], pair: $0["pair_index"], kind: $0["kind"], polarity: $0["polarity"],
          triggerMs: $0["trigger_ms"], firedMs: $0["fired_ms"], currentA: $0["current_a"],
          voltageV: $0["voltage_v"])
      }
      let skipped = try Row.fetchAll(
        db, sql: "SELECT * FROM skipped_beats WHERE session_id = ? ORDER BY seq", arguments: [session]
      ).map { ReportData.Skip(pair: $0["pair_index"], reason: $0["reason"], atMs: $0["at_ms"]) }
      let events = try Row.fetchAll(
        db, sql: "SELECT * FROM interlock_events WHERE session_id = ? AND event = 'fault' ORDER BY seq",
        arguments: [session])
      let recoveredAt = try Double.fetchAll(
        db, sql: "SELECT at_ms FROM interlock_events WHERE session_id = ? AND event = 'recovered'",
        arguments: [session])
      let interlocks = events.map { row -> ReportData.InterlockEvent in
        let at: Double = row["at_ms"] ?? 0
        return ReportData.InterlockEvent(
          interlock: row["interlock"] ?? "", reason: row["reason"] ?? "", atMs: at,
          recovered: recoveredAt.contains { $0 >= at })
      }
      let temperatures = try Row.fetchAll(
        db, sql: "SELECT * FROM temperatures WHERE session_id = ? ORDER BY seq", arguments: [session]
      ).map { ReportData.Temperature(atMs: $0["at_ms"], celsius: $0["heat_sink_c"]) }
      let delay: Double? = s["delay_ms"]
      let window: Double? = s["window_ms"]
      return ReportData(
        session: info, pairs: pairs, pulses: pulses, skipped: skipped, interlockEvents: interlocks,
        temperatures: temperatures, delayWindowMs: delay.flatMap { d in window.map { d...(d + $0) } })
    }
  }
}
