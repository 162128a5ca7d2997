import Crypto
import GRDB

/// The hash of one link of a session's chain: SHA-256 over the previous link's hash, the table,
/// the sequence number and every chained column's value in a canonical form. Changing, deleting
/// or reordering any row breaks the chain at that row.
enum HashChain {
  /// The `prev_hash` of a session's first row.
  static func genesis(_ session: String) -> String {
    hex(SHA256.hash(data: Array("genesis:\(session)".utf8)))
  }

  static func link(previous: String, table: String, seq: Int64, values: [DatabaseValue]) -> String {
    var text = previous + "\n" + table + "\n" + String(seq)
    for value in values { text += "\n" + canonical(value) }
    return hex(SHA256.hash(data: Array(text.utf8)))
  }

  /// One form per value whatever wrote it: integers, doubles (shortest form that reads back
  /// exactly), text, null.
  static func canonical(_ value: DatabaseValue) -> String {
    switch value.storage {
    case .null: "null"
    case .int64(let n): "i:\(n)"
    case .double(let d): "d:\(d)"
    case .string(let s): "s:\(s)"
    case .blob(let b): "b:\(hex(b))"
    }
  }

  static func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { byte in
      let digits = String(byte, radix: 16)
      return digits.count == 1 ? "0" + digits : digits
    }.joined()
  }
}
