/// Which kind of configuration file a path holds, so that one command can validate either.
public enum ConfigurationFileKind: Sendable, Equatable {
  case board
  case treatmentProtocol
  case tissueLibrary

  /// A file whose top-level mapping has a `gpio`, `base` or `backend` key is a board file, one
  /// with a `tissues` key a tissue library; anything else is read as a treatment protocol.
  /// Throws `ConfigurationErrors` when the file cannot be read or is not YAML.
  public static func detect(path: String) throws -> ConfigurationFileKind {
    let document = try YAMLDocument.load(path: path)
    guard case .mapping(let mapping) = document.root else { return .treatmentProtocol }
    let boardKeys: Set<String> = ["gpio", "base", "backend"]
    let keys = mapping.keys.compactMap(\.string)
    if keys.contains(where: boardKeys.contains) { return .board }
    return keys.contains("tissues") ? .tissueLibrary : .treatmentProtocol
  }
}
