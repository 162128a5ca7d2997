/// Which kind of configuration file a path holds, so that one command can validate either.
public enum ConfigurationFileKind: Sendable, Equatable {
  case board
  case treatmentProtocol

  /// A file whose top-level mapping has a `gpio`, `base` or `backend` key is a board file;
  /// anything else is read as a treatment protocol. Throws `ConfigurationErrors` when the file
  /// cannot be read or is not YAML.
  public static func detect(path: String) throws -> ConfigurationFileKind {
    let document = try YAMLDocument.load(path: path)
    guard case .mapping(let mapping) = document.root else { return .treatmentProtocol }
    let boardKeys: Set<String> = ["gpio", "base", "backend"]
    let isBoard = mapping.keys.contains { $0.string.map(boardKeys.contains) ?? false }
    return isBoard ? .board : .treatmentProtocol
  }
}
