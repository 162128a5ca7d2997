import Crypto
import GRDB

/// The hash of one link of a session's chain: SHA-256 over the previous link's hash, the table,
/// the sequence number and every chained column's value in a canonical form. Changing, deleting
/// or reordering any row breaks the chain at that row.
///
/// How those fields become the hashed bytes is the chain's format, kept per session in
/// `chain_formats` (a session without a row there is format 1), so that a session is always
/// verified and continued in the format it was written in.
enum HashChain {
  /// The ways the fields of a link have been put together.
  enum Format: Int, Sendable, CaseIterable {
    /// The fields joined with "\n". Not injective: a text value may itself hold "\n" (the text
    /// "a\ns:b" hashes as the two values "a" and "b" do). Only read, for sessions written
    /// before format 2.
    case joinedByNewline = 1
    /// Each field as its length in UTF-8 bytes, ":", then its bytes: no two different lists of
    /// fields give the same bytes, whatever the fields hold.
    case lengthPrefixed = 2

    /// The format new sessions are written in.
    static let current = Format.lengthPrefixed
  }

  /// The `prev_hash` of a session's first row (the same in every format).
  static func genesis(_ session: String) -> String {
    hex(SHA256.hash(data: Array("genesis:\(session)".utf8)))
  }

  static func link(
    previous: String, table: String, seq: Int64, values: [DatabaseValue], format: Format
  ) -> String {
    let fields = [previous, table, String(seq)] + values.map(canonical)
    switch format {
    case .joinedByNewline:
      return hex(SHA256.hash(data: Array(fields.joined(separator: "\n").utf8)))
    case .lengthPrefixed:
      var bytes: [UInt8] = []
      for field in fields {
        let utf8 = Array(field.utf8)
        bytes += Array("\(utf8.count):".utf8)
        bytes += utf8
      }
      return hex(SHA256.hash(data: bytes))
    }
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
