import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#endif

/// What is checked before a record file is opened for writing: that it is a treatment record,
/// whole, and of a schema this irectl knows. A file that fails any of these is refused as it
/// is, before SQLite or a migration writes a byte to it: a record is a medical record, and
/// nothing here may overwrite or shorten one.
extension TreatmentRecord {
  /// The first bytes of every SQLite 3 database file.
  static let sqliteMagic = Array("SQLite format 3\u{0}".utf8)

  /// Reads the file's header (if the file has any bytes): refuses one that is not an SQLite
  /// file, and one shorter than its header says it is, unless a write-ahead log is there to
  /// finish a checkpoint that a crash interrupted.
  static func checkFile(_ path: String) throws {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }  // missing: it is created, empty
    defer { close(descriptor) }
    var header = [UInt8](repeating: 0, count: 100)
    let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 100) }
    guard count > 0 else { return }  // empty: a new record
    guard count == 100, Array(header[0..<16]) == sqliteMagic else {
      throw OpenError(
        path: path, detail: "not a treatment record (not an SQLite database file); it is left as it is")
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return }
    let pageSize = Int(header[16]) << 8 | Int(header[17])
    let bytesPerPage = pageSize == 1 ? 65_536 : pageSize
    let pages = header[28..<32].reduce(0) { $0 << 8 | Int($1) }
    // The header's page count holds only while its change counter matches (SQLite's
    // "version-valid-for" field); older writers leave it stale.
    let valid = header[24..<28].elementsEqual(header[92..<96])
    let expected = pages * bytesPerPage
    if valid, expected > Int(status.st_size), !hasWriteAheadLog(path) {
      throw OpenError(
        path: path,
        detail:
          "cut short: \(status.st_size) bytes where its header counts \(pages) pages of \(bytesPerPage)"
          + " (\(expected) bytes); it is left as it is")
    }
  }

  /// Whether a non-empty `-wal` file lies beside the record.
  private static func hasWriteAheadLog(_ path: String) -> Bool {
    let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
    return size > 0
  }

  /// Refuses a database that is not a treatment record (tables of its own, no record's), and a
  /// record a later irectl migrated further than this one knows.
  static func checkSchema(_ db: Database, path: String, migrator: DatabaseMigrator) throws {
    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
    if !tables.isEmpty && !tables.contains("grdb_migrations") {
      throw OpenError(
        path: path,
        detail: "not a treatment record (an SQLite database without a record's tables); it is left as it is")
    }
    guard tables.contains("grdb_migrations") else { return }
    let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
    if !unknown.isEmpty {
      throw OpenError(
        path: path,
        detail:
          "written by a later irectl (schema \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) unknown"
          + " to this one); update irectl to write to it; it is left as it is")
    }
  }
}
