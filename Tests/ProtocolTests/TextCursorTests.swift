import Testing

@testable import Protocol

/// Lines and columns as libyaml counts them.
struct TextCursorTests {
  @Test func everyBreakTheParserKnowsEndsALineAndCRLFIsOne() {
    let lines = TextCursor.lines(of: "a\r\nbb\rc\u{85}d\u{2028}e\u{2029}f\n\nä")
    #expect(lines.map { String(String.UnicodeScalarView($0)) } == ["a", "bb", "c", "d", "e", "f", "", "ä"])
  }

  @Test func columnsCountScalarsNotBytes() {
    var cursor = TextCursor()
    for scalar in "äö\r\nx".unicodeScalars { cursor.advance(over: scalar) }
    #expect(cursor.position == TextPosition(line: 2, column: 2))
    var twoBreaks = TextCursor()
    for scalar in "\n\r".unicodeScalars { twoBreaks.advance(over: scalar) }
    #expect(twoBreaks.position == TextPosition(line: 3, column: 1))
  }
}
