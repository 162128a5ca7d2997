import Yams

/// A position in a YAML text, 1-based.
struct TextPosition: Hashable, Comparable, Sendable {
  var line: Int
  var column: Int

  init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  init(_ mark: Mark?) {
    self.line = mark?.line ?? 1
    self.column = mark?.column ?? 1
  }

  static func < (a: TextPosition, b: TextPosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// Collects the errors of one file while its decoder walks the document.
///
/// A reference type on purpose: every `YAMLValue` of a document shares it, so a decoder reports
/// a problem where it sees it and carries on with the rest of the file.
final class Diagnostics {
  let file: String
  /// Keys that repeat an earlier key of the same mapping, by position, with the key's name and
  /// the line of its first occurrence (see `YAMLDocument`).
  let duplicateKeys: [TextPosition: (name: String, firstLine: Int)]
  private(set) var errors: [ConfigurationError] = []

  init(file: String, duplicateKeys: [TextPosition: (name: String, firstLine: Int)] = [:]) {
    self.file = file
    self.duplicateKeys = duplicateKeys
  }

  func report(
    at position: TextPosition, _ keyPath: String, _ message: String, allowed: String? = nil,
    found: String? = nil
  ) {
    errors.append(
      ConfigurationError(
        file: file, line: position.line, column: position.column, keyPath: keyPath, message: message,
        allowed: allowed, found: found))
  }

  /// Adds the errors of another file (a base board file) to this report.
  func include(_ other: [ConfigurationError]) {
    errors.append(contentsOf: other)
  }
}
