import Foundation
import Yams

/// A composed YAML document: its root node and where it repeats keys.
///
/// Yams refuses a mapping with a repeated key and names only the first occurrence, which would
/// stop the report at that point. So the document is composed again after each such refusal with
/// the repeated key blanked out (replaced by a unique placeholder of the same length, so every
/// other position stays exact), and the reader reports each repeat where it was written.
struct YAMLDocument {
  let root: Node
  let diagnostics: Diagnostics

  /// Reads and composes `path`; an unreadable file or a syntax error is thrown as the one error.
  static func load(path: String) throws(ConfigurationErrors) -> YAMLDocument {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigurationErrors(errors: [
        ConfigurationError(
          file: path, line: 1, column: 1, keyPath: "", message: "cannot read the file",
          found: "no readable file at this path")
      ])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigurationErrors(errors: [
        ConfigurationError(
          file: path, line: 1, column: 1, keyPath: "", message: "the file is not UTF-8 text")
      ])
    }
    return try compose(yaml: text, file: path)
  }

  static func compose(yaml: String, file: String) throws(ConfigurationErrors) -> YAMLDocument {
    var text = yaml
    var duplicates: [TextPosition: (name: String, firstLine: Int)] = [:]
    for attempt in 0..<1000 {
      do {
        guard let root = try Yams.compose(yaml: text) else {
          throw fatal(file, TextPosition(line: 1, column: 1), "the file is empty")
        }
        return YAMLDocument(root: root, diagnostics: Diagnostics(file: file, duplicateKeys: duplicates))
      } catch YamlError.duplicatedKeysInMapping(let names, let context) {
        let first = TextPosition(context.mark)
        guard let name = names.first,
          let repeated = DuplicateKeyFinder(text: text).repeatOf(key: name, firstAt: first)
        else {
          throw fatal(file, first, "duplicated key", found: names.first)
        }
        duplicates[repeated] = (name, first.line)
        text = DuplicateKeyFinder(text: text).blanking(
          key: name, at: repeated, placeholder: Self.placeholder(attempt))
      } catch let error as ConfigurationErrors {
        throw error
      } catch let error as YamlError {
        throw syntaxError(error, file: file)
      } catch {
        throw fatal(file, TextPosition(line: 1, column: 1), "cannot read the YAML: \(error)")
      }
    }
    throw fatal(file, TextPosition(line: 1, column: 1), "too many duplicated keys")
  }

  /// A character no key is written with (Unicode private use area), different for each repeat so
  /// that two blanked keys of one mapping do not collide.
  private static func placeholder(_ attempt: Int) -> Character {
    Character(Unicode.Scalar(0xE000 + UInt32(attempt)) ?? "\u{E000}")
  }

  private static func fatal(
    _ file: String, _ position: TextPosition, _ message: String, found: String? = nil
  ) -> ConfigurationErrors {
    ConfigurationErrors(errors: [
      ConfigurationError(
        file: file, line: position.line, column: position.column, keyPath: "", message: message,
        found: found)
    ])
  }

  /// A YAML syntax error at the position the parser reports.
  private static func syntaxError(_ error: YamlError, file: String) -> ConfigurationErrors {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }
      return fatal(file, TextPosition(mark), "YAML syntax error: " + detail.joined(separator: ", "))
    case .reader(let problem, let offset, _, let yaml):
      return fatal(file, position(ofUTF8Offset: offset ?? 0, in: yaml), "unreadable text: \(problem)")
    default:
      return fatal(file, TextPosition(line: 1, column: 1), "cannot read the YAML: \(error)")
    }
  }

  private static func position(ofUTF8Offset offset: Int, in text: String) -> TextPosition {
    let prefix = Array(text.utf8.prefix(offset))
    let lines = prefix.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let column = String(decoding: lines.last ?? [], as: UTF8.self).unicodeScalars.count + 1
    return TextPosition(line: lines.count, column: column)
  }
}
