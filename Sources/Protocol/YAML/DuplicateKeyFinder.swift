/// Finds, in the YAML text, the second occurrence of a mapping key whose first occurrence the
/// parser reported, and blanks it out (see `YAMLDocument`).
///
/// It looks from the first occurrence onwards for the same key written either at the same column
/// of a later line (a block mapping) or after `{` or `,` (a flow mapping), and gives up at the
/// first line indented less than the mapping, where the mapping ends. Lines and columns are the
/// parser's (`TextCursor`).
struct DuplicateKeyFinder {
  private let lines: [[Unicode.Scalar]]

  init(text: String) {
    lines = TextCursor.lines(of: text)
  }

  func repeatOf(key: String, firstAt first: TextPosition) -> TextPosition? {
    let name = Array(key.unicodeScalars)
    guard !name.isEmpty, first.line >= 1, first.line <= lines.count else { return nil }
    for index in (first.line - 1)..<lines.count {
      let line = lines[index]
      let indent = line.prefix { $0 == " " }.count
      let isContent = indent < line.count && line[indent] != "#"
      if index > first.line - 1, isContent, indent + 1 < first.column, !isFlowContinuation(line) {
        return nil
      }
      let start = index == first.line - 1 ? first.column - 1 + name.count : 0
      var column = start
      while column + name.count <= line.count {
        if isKey(name, in: line, at: column),
          isBlockKey(at: column, line: line, firstColumn: first.column)
            || isFlowKey(at: column, line: line)
        {
          return TextPosition(line: index + 1, column: column + 1)
        }
        column += 1
      }
    }
    return nil
  }

  /// `text` with each key (at its line and column, as the parser counts them) replaced by its
  /// placeholder repeated to the key's length, so that every other position stays exact. One
  /// pass over the text, however many keys. A key that is not where it is said to be is left as
  /// it is.
  static func blanking(
    _ text: String, _ keys: [(position: TextPosition, key: String, placeholder: Character)]
  ) -> String {
    let targets = keys.sorted { $0.position < $1.position }
    guard !targets.isEmpty else { return text }
    let scalars = Array(text.unicodeScalars)
    var result = String.UnicodeScalarView()
    var next = 0
    var cursor = TextCursor()
    var index = 0
    while index < scalars.count {
      // The `\n` of a `\r\n` is at no position of its own: the next line starts after it.
      let isSecondHalfOfBreak = scalars[index] == "\n" && index > 0 && scalars[index - 1] == "\r"
      while next < targets.count, targets[next].position < cursor.position { next += 1 }
      if !isSecondHalfOfBreak, next < targets.count, targets[next].position == cursor.position {
        let target = targets[next]
        let name = Array(target.key.unicodeScalars)
        next += 1
        if scalars[index...].starts(with: name) {
          result.append(contentsOf: String(repeating: target.placeholder, count: name.count).unicodeScalars)
          for scalar in name { cursor.advance(over: scalar) }
          index += name.count
          continue
        }
      }
      result.append(scalars[index])
      cursor.advance(over: scalars[index])
      index += 1
    }
    return String(result)
  }

  private func isKey(_ name: [Unicode.Scalar], in line: [Unicode.Scalar], at column: Int) -> Bool {
    guard Array(line[column..<(column + name.count)]) == name else { return false }
    var after = column + name.count
    while after < line.count, line[after] == " " { after += 1 }
    guard after < line.count, line[after] == ":" else { return false }
    return after + 1 == line.count || [" ", ",", "}"].contains(line[after + 1])
  }

  private func isBlockKey(at column: Int, line: [Unicode.Scalar], firstColumn: Int) -> Bool {
    column == firstColumn - 1 && line[..<column].allSatisfy { $0 == " " }
  }

  private func isFlowKey(at column: Int, line: [Unicode.Scalar]) -> Bool {
    let before = line[..<column].reversed().first { $0 != " " }
    return before == "{" || before == ","
  }

  /// A line inside a flow mapping that spans lines may start anywhere.
  private func isFlowContinuation(_ line: [Unicode.Scalar]) -> Bool {
    line.first { $0 != " " }.map { $0 == "}" || $0 == "]" } ?? false
  }
}
