/// Finds, in the YAML text, the second occurrence of a mapping key whose first occurrence the
/// parser reported, and blanks it out (see `YAMLDocument`).
///
/// It looks from the first occurrence onwards for the same key written either at the same column
/// of a later line (a block mapping) or after `{` or `,` (a flow mapping), and gives up at the
/// first line indented less than the mapping, where the mapping ends. Columns count Unicode
/// scalars, as the parser's do.
struct DuplicateKeyFinder {
  private let lines: [[Unicode.Scalar]]

  init(text: String) {
    lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      Array($0.unicodeScalars)
    }
  }

  func repeatOf(key: String, firstAt first: TextPosition) -> TextPosition? {
    let name = Array(key.unicodeScalars)
    // The parser also breaks lines at a lone `\r` (and at NEL, LS, PS), which these lines do not:
    // its line of a key may lie past the last of them. Not found then: the file is refused at
    // the parser's position ("duplicated key") instead of a trap.
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

  /// `text` with each key (at its line and column, columns counted in Unicode scalars as the
  /// parser counts them) replaced by its placeholder repeated to the key's length, so that every
  /// other position stays exact. One pass over the bytes, however many keys. A key that is not
  /// where it is said to be is left as it is.
  static func blanking(
    _ text: String, _ keys: [(position: TextPosition, key: String, placeholder: Character)]
  ) -> String {
    let targets = keys.sorted { $0.position < $1.position }
    guard !targets.isEmpty else { return text }
    let bytes = Array(text.utf8)
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + 64 * targets.count)
    var next = 0
    var here = TextPosition(line: 1, column: 1)
    var index = 0
    var copied = 0
    while index < bytes.count, next < targets.count {
      let byte = bytes[index]
      let startsScalar = byte & 0xC0 != 0x80
      let target = targets[next]
      if startsScalar, here == target.position {
        let name = Array(target.key.utf8)
        if bytes[index...].starts(with: name) {
          let length = target.key.unicodeScalars.count
          result += bytes[copied..<index]
          result += Array(String(repeating: target.placeholder, count: length).utf8)
          index += name.count
          here.column += length
          copied = index
        }
        next += 1
        continue
      }
      if target.position < here {
        next += 1
        continue
      }
      if byte == UInt8(ascii: "\n") {
        here = TextPosition(line: here.line + 1, column: 1)
      } else if startsScalar {
        here.column += 1
      }
      index += 1
    }
    result += bytes[copied...]
    return String(decoding: result, as: UTF8.self)
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
