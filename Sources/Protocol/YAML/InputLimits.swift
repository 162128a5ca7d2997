import CYaml

/// How much a configuration file (protocol, board, tissue library) may hold. Files arrive on USB
/// sticks and by e-mail: each limit is checked where the file is read, before the YAML is
/// composed into a tree, and each is named in its error. The shipped files use a small part of
/// each (a few kilobytes, 4 levels, 300 values).
public enum InputLimits {
  /// The size of a file, in bytes (1 MiB). Checked before the file is read past it.
  public static let fileBytes = 1 << 20
  /// Lists and mappings inside one another.
  public static let nestingDepth = 32
  /// One scalar (a key, a number, a text), in bytes.
  public static let scalarBytes = 4096
  /// Scalars, lists and mappings in one file.
  public static let values = 20_000
  /// Repeated keys reported in one file: each one is found by composing the file again.
  public static let duplicatedKeys = 20
}

/// One pass over the YAML's events (libyaml's parser, the one Yams composes with) that refuses
/// what the tree must never be built from: an alias (one anchor repeated by aliases of aliases
/// expands exponentially, the "billion laughs"), nesting deeper than `InputLimits.nestingDepth`
/// (the composer recurses once per level), a scalar longer than `InputLimits.scalarBytes` and
/// more than `InputLimits.values` values. Linear in the text.
///
/// It also finds the repeated keys of every mapping (plain keys on one line, the way keys are
/// written), so that the document is composed once with all of them blanked out rather than
/// once per repeat (see `YAMLDocument`).
///
/// A syntax error ends the pass without a verdict: the composer that runs next reports it at
/// its position, as before.
enum YAMLScreen {
  struct Refusal: Error {
    var position: TextPosition
    var message: String
    var allowed: String
    var found: String
  }

  /// A key that repeats an earlier key of its mapping.
  struct Repeat {
    var name: String
    var first: TextPosition
    var position: TextPosition
  }

  enum Verdict {
    case refused(Refusal)
    case passed(repeats: [Repeat])
  }

  /// A list or mapping being read: for a mapping, whether the next node is a key, and the plain
  /// keys seen so far.
  private struct Frame {
    var isMapping: Bool
    var expectsKey = true
    var keys: [String: TextPosition] = [:]
  }

  /// libyaml's own nesting limit (1000 levels) can stop it before this pass counts to
  /// `InputLimits.nestingDepth`: its scanner looks ahead through a flow collection's brackets.
  /// That is the same refusal, said the same way.
  private static func parserLimit(_ parser: yaml_parser_t) -> Refusal? {
    guard parser.error == YAML_PARSER_ERROR, let problem = parser.problem,
      String(cString: problem).hasPrefix("Maximum nesting level")
    else { return nil }
    return Refusal(
      position: TextPosition(
        line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1),
      message: "nested deeper than the limit",
      allowed: "at most \(InputLimits.nestingDepth) levels of lists and mappings", found: "over 1000 levels")
  }

  static func check(_ text: String) -> Verdict {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer -> Verdict in
      var parser = yaml_parser_t()
      guard yaml_parser_initialize(&parser) == 1 else { return .passed(repeats: []) }
      defer { yaml_parser_delete(&parser) }
      yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      var walk = Walk()
      while true {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
          return parserLimit(parser).map(Verdict.refused) ?? .passed(repeats: walk.repeats)
        }
        defer { yaml_event_delete(&event) }
        if event.type == YAML_STREAM_END_EVENT { return .passed(repeats: walk.repeats) }
        if let refusal = walk.take(event) { return .refused(refusal) }
      }
    }
  }

  private struct Walk {
    var frames: [Frame] = []
    var values = 0
    var repeats: [Repeat] = []

    mutating func take(_ event: yaml_event_t) -> Refusal? {
      let position = TextPosition(
        line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
      switch event.type {
      case YAML_ALIAS_EVENT:
        let name = event.data.alias.anchor.map { String(String(cString: $0).prefix(40)) } ?? ""
        return Refusal(
          position: position, message: "aliases are not allowed: write the value out",
          allowed: "no aliases (*name) or merge keys (<<)", found: "*\(name)")
      case YAML_SCALAR_EVENT:
        let length = event.data.scalar.length
        if length > InputLimits.scalarBytes {
          return Refusal(
            position: position, message: "value longer than the limit",
            allowed: "at most \(InputLimits.scalarBytes) bytes", found: "\(length) bytes")
        }
        if let refusal = node(event, at: position) { return refusal }
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        if let refusal = node(event, at: position) { return refusal }
        frames.append(Frame(isMapping: event.type == YAML_MAPPING_START_EVENT))
        if frames.count > InputLimits.nestingDepth {
          return Refusal(
            position: position, message: "nested deeper than the limit",
            allowed: "at most \(InputLimits.nestingDepth) levels of lists and mappings",
            found: "level \(frames.count)")
        }
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        _ = frames.popLast()
      default:
        break
      }
      return nil
    }

    /// A scalar, list or mapping: counted, and when it is a plain key, checked for a repeat.
    private mutating func node(_ event: yaml_event_t, at position: TextPosition) -> Refusal? {
      values += 1
      if values > InputLimits.values {
        return Refusal(
          position: position, message: "too many values in the file",
          allowed: "at most \(InputLimits.values) keys, numbers, texts, lists and mappings", found: "more")
      }
      guard var frame = frames.last, frame.isMapping else { return nil }
      defer {
        frame.expectsKey.toggle()
        frames[frames.count - 1] = frame
      }
      guard frame.expectsKey, let name = Self.plainKey(event) else { return nil }
      guard let first = frame.keys[name] else {
        frame.keys[name] = position
        return nil
      }
      guard repeats.count < InputLimits.duplicatedKeys else {
        return Refusal(
          position: position, message: "too many duplicated keys",
          allowed: "at most \(InputLimits.duplicatedKeys)", found: "another repeat of \(name.prefix(40))")
      }
      repeats.append(Repeat(name: name, first: first, position: position))
      return nil
    }

    /// The text of a plain scalar written on one line exactly as it reads (what a key is).
    private static func plainKey(_ event: yaml_event_t) -> String? {
      guard event.type == YAML_SCALAR_EVENT, event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
        event.start_mark.line == event.end_mark.line, let value = event.data.scalar.value
      else { return nil }
      let name = String(
        decoding: UnsafeBufferPointer(start: value, count: event.data.scalar.length), as: UTF8.self)
      let columns = Int(event.end_mark.column) - Int(event.start_mark.column)
      return name.unicodeScalars.count == columns && !name.isEmpty ? name : nil
    }
  }
}
