/// One problem found in a configuration file, with everything a technician needs to fix it:
/// where it is (file, line, column, key path), what is wrong, what would be accepted and what was
/// written.
///
/// Positions are 1-based, as editors show them. `description` is the one-line form the console
/// and the validation command print: `FILE:LINE:COLUMN: KEYPATH: MESSAGE (allowed: …; found: …)`.
/// An empty key path (a problem with the file as a whole) is left out of that line.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
  public var file: String
  public var line: Int
  public var column: Int
  /// Where in the document, like `pairs[4].voltage_v` or `sync.delay_ms` (list indices from 0).
  public var keyPath: String
  public var message: String
  /// What would have been accepted, when that can be said in a few words.
  public var allowed: String?
  /// What the file says (or the value computed from it), when that helps.
  public var found: String?

  public init(
    file: String, line: Int, column: Int, keyPath: String, message: String, allowed: String? = nil,
    found: String? = nil
  ) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
    self.message = message
    self.allowed = allowed
    self.found = found
  }

  public var description: String {
    var text = "\(file):\(line):\(column): "
    if !keyPath.isEmpty { text += "\(keyPath): " }
    text += message
    let details = [allowed.map { "allowed: \($0)" }, found.map { "found: \($0)" }].compactMap { $0 }
    if !details.isEmpty { text += " (\(details.joined(separator: "; ")))" }
    return text
  }

  /// Orders errors by file, then position, so that a report reads top to bottom.
  static func byPosition(_ a: ConfigurationError, _ b: ConfigurationError) -> Bool {
    (a.file, a.line, a.column, a.keyPath) < (b.file, b.line, b.column, b.keyPath)
  }
}
