import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#endif

/// The treatment record: one SQLite file (WAL, synchronous FULL) holding every session, written
/// ahead of every pulse and hash-chained (docs/record.md).
public final class TreatmentRecord {
  public let path: String
  let queue: DatabaseQueue
  /// The descriptor holding this process's claim on the record (`claimForTreatment`), or -1.
  var claim: Int32 = -1

  /// How long a statement waits for another connection's write to end before SQLite reports
  /// the record busy. The record is written from the thread that drains the event ring, never
  /// from the timing thread: a bounded wait there delays an intent (on real time the beat is
  /// skipped as not durable), it never delays a pulse.
  static let busyTimeout: TimeInterval = 0.5

  /// The most memory SQLite keeps of the record's pages for one connection, in KiB. Starting a
  /// treatment looks for unfinished sessions through the whole `sessions` table, so a
  /// connection's cache fills with a share of the record that grows with its age; SQLite's
  /// default bound (2 000 KiB) let a process that runs treatment after treatment grow by about
  /// 1 kB a treatment until it was reached (`scripts/soak`). Pages beyond this are read again
  /// from the operating system's cache; appending a session touches far fewer.
  static let pageCacheKiB = 256

  public struct OpenError: Error, CustomStringConvertible {
    public var path: String
    public var detail: String
    public var description: String { "cannot open the record \(path): \(detail)" }
  }

  /// Opens (creating it and its directory if needed) the record at `path`.
  public init(path: String) throws {
    self.path = path
    do {
      let directory = (path as NSString).deletingLastPathComponent
      if !directory.isEmpty {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      }
      try TreatmentRecord.checkFile(path)
      queue = try TreatmentRecord.whileOpening(path) {
        // Created here, not by SQLite, so that a shared record gets the group's mode (SQLite
        // gives its -wal and -shm files the database's mode).
        let created = TreatmentRecord.openFile(path, O_RDWR | O_CREAT | O_CLOEXEC)
        guard created >= 0 else {
          throw OpenError(path: path, detail: String(cString: strerror(errno)))
        }
        close(created)
        var configuration = Configuration()
        // Another process reading or writing the file (a `records` command, a backup, a query)
        // is waited for, within a bound, instead of failing the commit at once.
        configuration.busyMode = .timeout(TreatmentRecord.busyTimeout)
        configuration.prepareDatabase { db in
          try db.execute(sql: "PRAGMA synchronous = FULL")
          try db.execute(sql: "PRAGMA cache_size = -\(TreatmentRecord.pageCacheKiB)")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let migrator = RecordSchema.migrator()
        try queue.read { db in try TreatmentRecord.checkSchema(db, path: path, migrator: migrator) }
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try migrator.migrate(queue)
        return queue
      }
    } catch let error as OpenError {
      throw error
    } catch {
      throw OpenError(path: path, detail: String(describing: error))
    }
  }

  /// Starts a session; its rows are appended through the returned writer.
  public func begin(_ info: SessionInfo) throws -> SessionWriter {
    try begin(info, format: .current)
  }

  /// Starts a session whose chain is hashed in `format` (tests write older formats this way).
  func begin(_ info: SessionInfo, format: HashChain.Format) throws -> SessionWriter {
    let writer = SessionWriter(record: self, id: info.id, format: format)
    writer.append(
      "sessions",
      [
        info.backend, info.simulated ? 1 : 0, info.device, info.boardFile, info.boardSHA256,
        info.protocolName,
        info.protocolFile, info.protocolSHA256, info.softwareVersion, info.operatorName,
        info.seed.map(Int64.init),
        info.startedAt, info.setSize, info.delayMs, info.windowMs, info.planInputs?.tissue,
        info.planInputs?.tissueLibrarySHA256, info.planInputs?.plannerVersion, info.planInputs?.resolutionMm,
      ])
    for pair in info.pairs {
      writer.append("pairs", [pair.index, pair.anode, pair.cathode, pair.voltageV, pair.spacingMM])
    }
    try writer.commit()
    return writer
  }

  deinit {
    if claim >= 0 { close(claim) }
  }

  /// Opens (with `O_CREAT`, creates) one of the record's files: the database, its claim, a
  /// session's lock. In a setgid directory — the board's shared record, `/var/lib/irectl` of
  /// the group `irectl` — every technician of the group writes the same record, so its files
  /// are the group's to read and write (and nobody else's), whatever the umask of whoever made
  /// them; elsewhere they are made as before (0644 less the umask).
  static func openFile(_ path: String, _ flags: Int32) -> Int32 {
    let descriptor = open(path, flags, 0o644)
    guard descriptor >= 0 else { return descriptor }
    let parent = (path as NSString).deletingLastPathComponent
    var directory = stat()
    var file = stat()
    guard stat(parent.isEmpty ? "." : parent, &directory) == 0, directory.st_mode & mode_t(S_ISGID) != 0,
      fstat(descriptor, &file) == 0, file.st_uid == geteuid(), file.st_mode & 0o777 != sharedMode
    else { return descriptor }
    _ = fchmod(descriptor, sharedMode)
    return descriptor
  }

  /// The mode of a shared record's files.
  static let sharedMode: mode_t = 0o660

  /// Where the lock of a session being written lives, beside the record.
  func lockPath(for session: String) -> String { "\(path).\(session).lock" }

  /// Whether some process still writes `session` (holds its lock). The lock is opened to read
  /// only, so that anyone who may read the record can tell.
  func isBeingWritten(_ session: String) -> Bool {
    let fd = open(lockPath(for: session), O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return flock(fd, LOCK_EX | LOCK_NB) != 0
  }

  /// The wall-clock time in ISO 8601, as sessions record their start and end.
  public static func timestamp(_ date: Date = Date()) -> String {
    ISO8601DateFormatter().string(from: date)
  }
}

/// What a session is: which backend, which board and protocol (with their SHA-256), who ran it.
public struct SessionInfo: Sendable {
  public struct Pair: Sendable {
    public var index: Int
    public var anode: Int
    public var cathode: Int
    public var voltageV: Double
    public var spacingMM: Double
    public init(index: Int, anode: Int, cathode: Int, voltageV: Double, spacingMM: Double) {
      self.index = index
      self.anode = anode
      self.cathode = cathode
      self.voltageV = voltageV
      self.spacingMM = spacingMM
    }
  }

  public var id: String
  public var backend: String
  public var simulated: Bool
  public var device: String
  public var boardFile: String
  public var boardSHA256: String
  public var protocolName: String
  public var protocolFile: String
  public var protocolSHA256: String
  public var softwareVersion: String
  public var operatorName: String
  public var seed: UInt64?
  public var startedAt: String
  public var setSize: Int
  public var delayMs: Double?
  public var windowMs: Double?
  public var pairs: [Pair]
  /// What the session's zones are computed from; `nil` when the tissue library could not be
  /// read (the session is recorded all the same, without them).
  public var planInputs: PlanInputs?

  public init(
    id: String, backend: String, simulated: Bool, device: String, boardFile: String, boardSHA256: String,
    protocolName: String, protocolFile: String, protocolSHA256: String, softwareVersion: String,
    operatorName: String, seed: UInt64?, startedAt: String, setSize: Int, delayMs: Double?, windowMs: Double?,
    pairs: [Pair], planInputs: PlanInputs? = nil
  ) {
    self.id = id
    self.backend = backend
    self.simulated = simulated
    self.device = device
    self.boardFile = boardFile
    self.boardSHA256 = boardSHA256
    self.protocolName = protocolName
    self.protocolFile = protocolFile
    self.protocolSHA256 = protocolSHA256
    self.softwareVersion = softwareVersion
    self.operatorName = operatorName
    self.seed = seed
    self.startedAt = startedAt
    self.setSize = setSize
    self.delayMs = delayMs
    self.windowMs = windowMs
    self.pairs = pairs
    self.planInputs = planInputs
  }
}

/// Appends one session's rows, each chained to the one before. Rows wait in memory until
/// `commit`, which writes them in one transaction and returns once they are on disk.
public final class SessionWriter {
  public let id: String
  let record: TreatmentRecord
  /// The session's lock, held while this process writes it (released when the process ends,
  /// however it ends): recovery never closes a session somebody is still writing.
  private var lock: Int32 = -1
  private var seq: Int64 = 0
  private var lastHash: String
  private var pending: [(table: String, seq: Int64, values: [DatabaseValue], prev: String, hash: String)] = []
  /// How this session's links are hashed: the current format for a new session, the session's
  /// own when continuing it.
  let format: HashChain.Format
  /// The format still to be written to `chain_formats`, with the session's first rows (format 1
  /// is the absence of a row).
  private var unrecordedFormat: HashChain.Format?

  init(
    record: TreatmentRecord, id: String, format: HashChain.Format,
    continuing: (seq: Int64, hash: String)? = nil
  ) {
    self.record = record
    self.id = id
    self.format = format
    self.unrecordedFormat = continuing == nil && format != .joinedByNewline ? format : nil
    self.seq = continuing?.seq ?? 0
    self.lastHash = continuing?.hash ?? HashChain.genesis(id)
    if continuing == nil {
      lock = TreatmentRecord.openFile(record.lockPath(for: id), O_RDWR | O_CREAT | O_CLOEXEC)
      if lock >= 0 { _ = flock(lock, LOCK_EX) }
    }
  }

  /// The session is over: its lock goes.
  public func finish() {
    guard lock >= 0 else { return }
    unlink(record.lockPath(for: id))
    close(lock)
    lock = -1
  }

  deinit {
    if lock >= 0 { close(lock) }
  }

  /// Queues a row of `table`, its values in the order of the table's chained columns.
  public func append(_ table: String, _ values: [(any DatabaseValueConvertible)?]) {
    seq += 1
    let databaseValues = values.map { $0?.databaseValue ?? .null }
    let hash = HashChain.link(
      previous: lastHash, table: table, seq: seq, values: RecordSchema.hashed(table, databaseValues),
      format: format)
    pending.append((table, seq, databaseValues, lastHash, hash))
    lastHash = hash
  }

  /// Rows appended and not yet committed.
  public var uncommitted: Int { pending.count }

  /// Writes every queued row in one transaction (durable when it returns: synchronous FULL).
  public func commit() throws {
    guard !pending.isEmpty else { return }
    let rows = pending
    for row in rows where row.values.count != RecordSchema.columns[row.table]?.count {
      throw TreatmentRecord.OpenError(
        path: record.path,
        detail:
          "a \(row.table) row has \(row.values.count) values, the table \(RecordSchema.columns[row.table]?.count ?? 0)"
      )
    }
    let format = unrecordedFormat
    try TreatmentRecord.retryingTransientErrors {
      try write(rows, format: format)
    }
    pending.removeAll(keepingCapacity: true)
    unrecordedFormat = nil
  }

  /// One transaction holding `rows` (and the session's chain format, when it is still to be
  /// written), and the session's head moved to the last of them.
  private func write(
    _ rows: [(table: String, seq: Int64, values: [DatabaseValue], prev: String, hash: String)],
    format: HashChain.Format?
  ) throws {
    try record.queue.write { db in
      if let format {
        try db.execute(
          sql: "INSERT INTO chain_formats (session_id, version) VALUES (?, ?)",
          arguments: [id, format.rawValue])
      }
      for row in rows {
        let columns = RecordSchema.columns[row.table] ?? []
        let names = (["session_id", "seq"] + columns + ["prev_hash", "row_hash"]).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count + 4).joined(separator: ", ")
        let arguments: [DatabaseValue] =
          [id.databaseValue, row.seq.databaseValue] + row.values + [
            row.prev.databaseValue, row.hash.databaseValue,
          ]
        try db.execute(
          sql: "INSERT INTO \(row.table) (\(names)) VALUES (\(marks))",
          arguments: StatementArguments(arguments))
      }
      if let last = rows.last {
        try db.execute(
          sql: "INSERT OR REPLACE INTO heads (session_id, last_seq, last_hash) VALUES (?, ?, ?)",
          arguments: [id, last.seq, last.hash])
      }
    }
  }
}

extension TreatmentRecord {
  /// How many times a commit is tried when SQLite reports a transient error, and the pause
  /// between tries. With the busy timeout, a commit gives up after about 1.6 s.
  static let commitAttempts = 3
  static let retryPause: useconds_t = 50_000

  /// Whether a write that failed with `error` may succeed if tried again: the record busy or
  /// locked by another connection, or an I/O error of the moment. A full disk (`SQLITE_FULL`)
  /// is not: it stays full, and no retry may hide it; neither is anything else (a constraint,
  /// a corrupt file).
  static func isTransient(_ error: any Error) -> Bool {
    guard let error = error as? DatabaseError else { return false }
    switch error.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR: return true
    default: return false
    }
  }

  /// Runs `body` up to `commitAttempts` times while it fails with a transient error; the last
  /// error, or any other at once, is thrown. A failed transaction was rolled back before the
  /// next try, and a try that did commit cannot be repeated unnoticed (every row's `seq` is
  /// a primary key).
  static func retryingTransientErrors<T>(_ body: () throws -> T) throws -> T {
    var attempt = 1
    while true {
      do {
        return try body()
      } catch  where attempt < commitAttempts && isTransient(error) {
        attempt += 1
        usleep(retryPause)
      }
    }
  }

  /// The SHA-256 of a file's bytes, in hex: the record keeps it for the board and protocol
  /// files, so that exactly which configuration ran is never in doubt.
  public static func sha256(ofFile path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OpenError(path: path, detail: "cannot read it to take its SHA-256")
    }
    return sha256(of: Array(data))
  }

  /// The SHA-256 of some bytes, in hex.
  public static func sha256(of bytes: [UInt8]) -> String { HashChain.hex(SHA256.hash(data: bytes)) }
}
