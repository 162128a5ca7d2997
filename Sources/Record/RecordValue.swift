import Foundation
import GRDB

/// A value of the record as its readers see it, without the storage library's types.
public enum RecordValue: Sendable, Equatable, CustomStringConvertible {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)

  init(_ value: DatabaseValue) {
    switch value.storage {
    case .null, .blob: self = .null
    case .int64(let n): self = .integer(n)
    case .double(let d): self = .real(d)
    case .string(let s): self = .text(s)
    }
  }

  /// For JSON encoding with JSONSerialization.
  public var json: Any {
    switch self {
    case .null: NSNull()
    case .integer(let n): n
    case .real(let d): d
    case .text(let s): s
    }
  }

  public var description: String {
    switch self {
    case .null: "null"
    case .integer(let n): String(n)
    case .real(let d): String(d)
    case .text(let s): s
    }
  }
}
