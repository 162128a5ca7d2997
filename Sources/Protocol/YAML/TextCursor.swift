/// Walks text one Unicode scalar at a time and knows the line and column the YAML parser
/// (libyaml) gives the scalar it is on, so that every position this module reports or looks up
/// is counted as the parser counts it.
///
/// libyaml ends a line at `\n`, at `\r`, at `\r\n` (one break), and at NEL, LS and PS
/// (U+0085, U+2028, U+2029); its columns count Unicode scalars. Counting only `\n` put the
/// parser's line of a key past the last line of a file whose lines end in a lone `\r`.
struct TextCursor {
  /// Where the next scalar `advance(over:)` is given lies.
  private(set) var position = TextPosition(line: 1, column: 1)
  private var afterCarriageReturn = false

  static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": true
    default: false
    }
  }

  mutating func advance(over scalar: Unicode.Scalar) {
    defer { afterCarriageReturn = scalar == "\r" }
    // The `\n` of a `\r\n`: the `\r` already began the new line.
    if scalar == "\n", afterCarriageReturn { return }
    if Self.isLineBreak(scalar) {
      position = TextPosition(line: position.line + 1, column: 1)
    } else {
      position.column += 1
    }
  }

  /// The text's lines as the parser numbers them (line N is element N − 1), without their breaks.
  static func lines(of text: String) -> [[Unicode.Scalar]] {
    var lines: [[Unicode.Scalar]] = [[]]
    var cursor = TextCursor()
    for scalar in text.unicodeScalars {
      let line = cursor.position.line
      cursor.advance(over: scalar)
      if cursor.position.line > line {
        lines.append([])
      } else if !isLineBreak(scalar) {
        lines[lines.count - 1].append(scalar)
      }
    }
    return lines
  }
}
