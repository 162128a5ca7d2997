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

  /// Reads and composes `path`; an unreadable file, one larger than `InputLimits.fileBytes`, one
  /// that is not UTF-8 or a syntax error is thrown as the one error.
  static func load(path: String) throws(ConfigurationErrors) -> YAMLDocument {
    let data = try read(path)
    guard let text = String(data: data, encoding: .utf8) else {
      throw fatal(
        path, firstInvalidUTF8(in: data), "the file is not UTF-8 text",
        found: "a byte that is not UTF-8 here")
    }
    return try compose(yaml: text, file: path)
  }

  /// The file's bytes, never more than `InputLimits.fileBytes` of them: a regular file's size is
  /// checked before it is read, and anything else (a device, a pipe) is read no further than the
  /// limit.
  private static func read(_ path: String) throws(ConfigurationErrors) -> Data {
    let limit = InputLimits.fileBytes
    let allowed = "at most \(limit) bytes (1 MiB)"
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    if let size, size > limit {
      throw fatal(
        path, TextPosition(line: 1, column: 1), "the file is larger than the limit", allowed: allowed,
        found: "\(size) bytes")
    }
    let cannotRead = fatal(
      path, TextPosition(line: 1, column: 1), "cannot read the file", found: "no readable file at this path")
    guard let handle = FileHandle(forReadingAtPath: path) else { throw cannotRead }
    defer { try? handle.close() }
    let data: Data
    do {
      // `nil` at the end of the file: an empty file.
      data = try handle.read(upToCount: limit + 1) ?? Data()
    } catch {
      throw cannotRead
    }
    guard data.count <= limit else {
      throw fatal(
        path, TextPosition(line: 1, column: 1), "the file is larger than the limit", allowed: allowed,
        found: "more than \(limit) bytes")
    }
    return data
  }

  /// Where the first byte that is not part of a UTF-8 character is, counted as the parser counts.
  private static func firstInvalidUTF8(in data: Data) -> TextPosition {
    var cursor = TextCursor()
    var iterator = data.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): cursor.advance(over: scalar)
      case .emptyInput, .error: return cursor.position
      }
    }
  }

  static func compose(yaml: String, file: String) throws(ConfigurationErrors) -> YAMLDocument {
    var text = yaml
    var duplicates: [TextPosition: (name: String, firstLine: Int)] = [:]
    switch YAMLScreen.check(yaml) {
    case .refused(let refusal):
      throw fatal(file, refusal.position, refusal.message, allowed: refusal.allowed, found: refusal.found)
    case .passed(let repeats):
      // Every repeat the screen found, blanked at once: the document is composed once.
      if !repeats.isEmpty {
        text = DuplicateKeyFinder.blanking(
          yaml, repeats.enumerated().map { ($0.element.position, $0.element.name, placeholder($0.offset)) })
      }
      for found in repeats { duplicates[found.position] = (found.name, found.first.line) }
    }
    // A repeat the screen cannot see (a quoted key): the composer names it, and the document is
    // composed again with it blanked, up to the limit.
    for attempt in duplicates.count...InputLimits.duplicatedKeys {
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
        guard attempt < InputLimits.duplicatedKeys else {
          throw fatal(
            file, repeated, "too many duplicated keys", allowed: "at most \(InputLimits.duplicatedKeys)",
            found: "another repeat of \(name)")
        }
        duplicates[repeated] = (name, first.line)
        text = DuplicateKeyFinder.blanking(text, [(repeated, name, Self.placeholder(attempt))])
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
    _ file: String, _ position: TextPosition, _ message: String, allowed: String? = nil,
    found: String? = nil
  ) -> ConfigurationErrors {
    ConfigurationErrors(errors: [
      ConfigurationError(
        file: file, line: position.line, column: position.column, keyPath: "", message: message,
        allowed: allowed, found: found)
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
    var cursor = TextCursor()
    for scalar in String(decoding: text.utf8.prefix(offset), as: UTF8.self).unicodeScalars {
      cursor.advance(over: scalar)
    }
    return cursor.position
  }
}
