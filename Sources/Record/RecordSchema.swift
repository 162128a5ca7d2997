import GRDB

/// The record's tables, readable with plain SQL by a clinician: one row per pulse in `pulses`,
/// measured values in REAL columns with their units in the names, times in milliseconds from
/// the start of the session. Every row of a session is a link of one hash chain: `seq` orders
/// the session's rows across all tables, `prev_hash` is the previous link's `row_hash`.
enum RecordSchema {
  /// The chained columns of each table, in the order they are hashed.
  static let columns: [String: [String]] = [
    "sessions": [
      "backend", "simulated", "device", "board_file", "board_sha256", "protocol_name", "protocol_file",
      "protocol_sha256", "software_version", "operator", "seed", "started_at", "set_size", "delay_ms",
      "window_ms", "tissue", "tissue_library_sha256", "planner_version", "plan_resolution_mm",
    ],
    "pairs": ["pair_index", "anode", "cathode", "voltage_v", "spacing_mm"],
    "pulse_intents": ["pulse_index", "pair_index", "kind", "polarity", "train_pulses", "intended_at_ms"],
    "pulses": [
      "pulse_index", "pair_index", "kind", "polarity", "trigger_ms", "scheduled_ms", "fired_ms",
      "onset_error_us",
      "current_a", "voltage_v", "supervisor_count",
    ],
    "skipped_beats": ["pair_index", "reason", "at_ms"],
    "interlock_events": ["event", "interlock", "reason", "at_ms", "pulse_index"],
    "state_changes": ["state", "cause", "at_ms"],
    "temperatures": ["at_ms", "heat_sink_c"],
    "session_ends": ["outcome", "ended_at", "delivered_min", "delivered_max", "final_bank_v", "by_recovery"],
  ]

  /// Tables in a fixed order (for verification and export).
  static let tables = [
    "sessions", "pairs", "pulse_intents", "pulses", "skipped_beats", "interlock_events", "state_changes",
    "temperatures", "session_ends",
  ]

  static func migrator() -> DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      let types: [String: String] = [
        "simulated": "INTEGER NOT NULL", "seed": "INTEGER", "set_size": "INTEGER", "delay_ms": "REAL",
        "window_ms": "REAL", "pair_index": "INTEGER", "anode": "INTEGER", "cathode": "INTEGER",
        "voltage_v": "REAL", "spacing_mm": "REAL", "pulse_index": "INTEGER", "train_pulses": "INTEGER",
        "intended_at_ms": "REAL", "trigger_ms": "REAL", "scheduled_ms": "REAL", "fired_ms": "REAL",
        "onset_error_us": "REAL", "current_a": "REAL", "at_ms": "REAL", "heat_sink_c": "REAL",
        "delivered_min": "INTEGER", "delivered_max": "INTEGER",
        "final_bank_v": "REAL",
        "by_recovery": "INTEGER",
      ]
      for table in tables {
        let body = (columns[table] ?? []).filter { !addedLater.contains($0) }
          .map { "\($0) \(types[$0] ?? "TEXT")" }.joined(separator: ", ")
        try db.execute(
          sql: """
            CREATE TABLE \(table) (
              session_id TEXT NOT NULL, seq INTEGER NOT NULL, \(body),
              prev_hash TEXT NOT NULL, row_hash TEXT NOT NULL,
              PRIMARY KEY (session_id, seq))
            """)
      }
      try db.execute(
        sql: """
          CREATE VIEW session_summary AS
            SELECT s.session_id, s.backend, s.simulated, s.device, s.protocol_name, s.operator, s.started_at,
                   e.ended_at, COALESCE(e.outcome, 'running') AS outcome,
                   (SELECT COUNT(*) FROM pulses p WHERE p.session_id = s.session_id) AS pulses_recorded,
                   e.delivered_min, e.delivered_max
            FROM sessions s LEFT JOIN session_ends e USING (session_id)
          """)
    }
    migrator.registerMigration("v2: supervisor count per pulse") { db in
      try db.execute(sql: "ALTER TABLE pulses ADD COLUMN supervisor_count INTEGER")
    }
    migrator.registerMigration("v3: chain heads") { db in
      // Each session's last link, kept beside the chain: rows cut off its end no longer go
      // unnoticed, and recovery cannot extend a chain that was cut.
      try db.execute(
        sql:
          "CREATE TABLE heads (session_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, last_hash TEXT NOT NULL)"
      )
    }
    migrator.registerMigration("v4: chain formats") { db in
      // How each session's links are hashed (HashChain.Format), outside the chain like the
      // heads: a session without a row here was written before, in format 1. Changing or
      // deleting a row makes the session's own hashes disagree with it.
      try db.execute(
        sql: "CREATE TABLE chain_formats (session_id TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    }
    migrator.registerMigration("v5: a session without an end is not called running") { db in
      // SQL cannot tell whether the writer of a session without an end is alive (only its lock
      // can): the view says no more than that the session is not closed.
      try db.execute(sql: "DROP VIEW session_summary")
      try db.execute(
        sql: """
          CREATE VIEW session_summary AS
            SELECT s.session_id, s.backend, s.simulated, s.device, s.protocol_name, s.operator, s.started_at,
                   e.ended_at, COALESCE(e.outcome, '\(notClosed)') AS outcome,
                   (SELECT COUNT(*) FROM pulses p WHERE p.session_id = s.session_id) AS pulses_recorded,
                   e.delivered_min, e.delivered_max
            FROM sessions s LEFT JOIN session_ends e USING (session_id)
          """)
    }
    migrator.registerMigration("v6: the plan's inputs with the session") { db in
      // What the planned and delivered zones of a session are recomputed from: the tissue, the
      // SHA-256 of the tissue library's text, the planner's version and the grid spacing. Null
      // in sessions written before (and then left out of their hashes).
      for column in planInputs {
        try db.execute(
          sql: "ALTER TABLE sessions ADD COLUMN \(column) \(column.hasSuffix("_mm") ? "REAL" : "TEXT")")
      }
    }
    return migrator
  }

  /// The outcome `session_summary` gives a session without an end.
  static let notClosed = "not closed"

  /// The session's columns that came with the sixth migration: the plan's inputs.
  static let planInputs = ["tissue", "tissue_library_sha256", "planner_version", "plan_resolution_mm"]

  /// Columns that came with a later migration (so the first creates the tables as they were):
  /// the second's supervisor count, the sixth's plan inputs.
  static let addedLater: Set<String> = Set(["supervisor_count"] + planInputs)

  /// The values of a row that its hash covers: every chained column, except a later column
  /// left null (by a row written before that column existed, or with nothing to put there), so
  /// that older sessions still verify; a value written into it afterwards changes the hash, and
  /// so does a value taken out of it.
  static func hashed(_ table: String, _ values: [DatabaseValue]) -> [DatabaseValue] {
    let names = columns[table] ?? []
    return zip(names, values).filter { !(addedLater.contains($0.0) && $0.1.isNull) }.map(\.1)
  }
}
