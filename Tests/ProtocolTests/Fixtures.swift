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

  /// `text` with each `(line, replacement)` applied: the first line that starts with `line` (after
  /// its indentation) is replaced, keeping the indentation. `nil` deletes the line.
  static func edited(_ text: String, _ changes: [(String, String?)]) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for (start, replacement) in changes {
      guard let index = lines.firstIndex(where: { $0.drop(while: { $0 == " " }).hasPrefix(start) })
      else { return "the text has no line starting with \(start)" }
      let indent = String(lines[index].prefix { $0 == " " })
      if let replacement {
        lines[index] = replacement.split(separator: "\n").map { indent + $0 }.joined(separator: "\n")
      } else {
        lines.remove(at: index)
      }
    }
    return lines.joined(separator: "\n")
  }
}
