import Testing

@testable import Console

/// Only what changed goes to the terminal; colours only when allowed.
struct ANSIRendererTests {
  @Test func theFirstFrameIsWholeTheNextOnlyTheChange() {
    var renderer = ANSIRenderer(colour: true)
    var screen = Screen(rows: 3, columns: 10)
    screen.put("hello", row: 0, column: 0, style: .fg(.green))
    let first = renderer.render(screen)
    #expect(first.contains("\u{1B}[2J"))
    #expect(first.contains("\u{1B}[0;32m") && first.contains("hello"))
    #expect(!renderer.render(screen).contains("hello"))
    screen.put("J", row: 2, column: 4)
    let change = renderer.render(screen)
    #expect(change.contains("\u{1B}[3;5H"))
    #expect(!change.contains("hello"))
    #expect(!change.contains("\u{1B}[2J"))
  }

  @Test func withoutColourOnlyBoldAndReverse() {
    var renderer = ANSIRenderer(colour: false)
    var screen = Screen(rows: 1, columns: 10)
    screen.put(
      "x", row: 0, column: 0, style: Style(foreground: .red, background: .yellow, bold: true, reverse: true))
    let output = renderer.render(screen)
    #expect(output.contains("\u{1B}[0;1;7m"))
    #expect(!output.contains(";31") && !output.contains(";43"))
  }

  @Test func aNewSizeRedrawsEverything() {
    var renderer = ANSIRenderer(colour: true)
    var screen = Screen(rows: 2, columns: 10)
    screen.put("abc", row: 0, column: 0)
    _ = renderer.render(screen)
    var wider = Screen(rows: 2, columns: 12)
    wider.put("abc", row: 0, column: 0)
    #expect(renderer.render(wider).contains("\u{1B}[2J"))
  }
}
