/// Every problem found in a configuration file (and in the base file it names), sorted by position.
///
/// Decoding never stops at the first problem: a technician fixes a file in one pass.
public struct ConfigurationErrors: Error, CustomStringConvertible, Sendable {
  public var errors: [ConfigurationError]

  public init(errors: [ConfigurationError]) {
    self.errors = errors.sorted(by: ConfigurationError.byPosition)
  }

  /// One error per line.
  public var description: String {
    errors.map(\.description).joined(separator: "\n")
  }
}
