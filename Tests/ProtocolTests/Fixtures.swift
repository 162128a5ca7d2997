import Foundation
import Protocol

/// Shared helpers: the package's shipped configuration files, and the error lines a decoder throws.
enum Fixtures {
  /// The package root, found from this file's path (Tests/ProtocolTests/Fixtures.swift).
  static let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let boardsDirectory = packageRoot + "/firmware-config/boards"
  static let protocolsDirectory = packageRoot + "/firmware-config/protocols"

  static func shippedFiles(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
  }

  /// The reference board, as shipped.
  static func referenceBoard() throws -> BoardDescription {
    try BoardFile.load(path: boardsDirectory + "/reference.yaml")
  }

  /// The error lines `body` throws, or `["no error"]`.
  static func errorLines(_ body: () throws -> Void) -> [String] {
    do {
      try body()
      return ["no error"]
    } catch let errors as ConfigurationErrors {
      return errors.errors.map(\.description)
    } catch {
      return ["unexpected error: \(error)"]
    }
  }
}
