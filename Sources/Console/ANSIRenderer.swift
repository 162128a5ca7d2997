/// Draws frames on an ANSI terminal, sending only what changed since the last frame: for each
/// row that differs, the span from its first to its last changed cell. A new size (or the first
/// frame) clears and draws everything.
struct ANSIRenderer {
  let colour: Bool
  private var shown: Screen?

  init(colour: Bool) { self.colour = colour }

  static let enter = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J"
  static let leave = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

  /// Forgets what is on the terminal: the next frame is drawn whole.
  mutating func invalidate() { shown = nil }

  /// The bytes that turn the terminal's frame into `screen`.
  mutating func render(_ screen: Screen) -> String {
    var output = ""
    let previous: Screen?
    if let shown, shown.rows == screen.rows, shown.columns == screen.columns {
      previous = shown
    } else {
      previous = nil
      output += "\u{1B}[0m\u{1B}[2J"
    }
    var current = Style.plain
    output += sgr(current)
    for row in 0..<screen.rows {
      let cells = screen.cells[row]
      var first = 0
      var last = screen.columns - 1
      if let previous {
        let old = previous.cells[row]
        guard let start = cells.indices.first(where: { cells[$0] != old[$0] }),
          let end = cells.indices.last(where: { cells[$0] != old[$0] })
        else { continue }
        first = start
        last = end
      }
      guard first <= last else { continue }
      output += "\u{1B}[\(row + 1);\(first + 1)H"
      for cell in cells[first...last] {
        if cell.style != current {
          current = cell.style
          output += sgr(current)
        }
        output.append(cell.character)
      }
    }
    output += "\u{1B}[0m"
    shown = screen
    return output
  }

  /// Select Graphic Rendition for a style; colours only when the terminal may have them.
  private func sgr(_ style: Style) -> String {
    var codes = ["0"]
    if style.bold { codes.append("1") }
    if style.reverse { codes.append("7") }
    if colour {
      if let foreground = style.foreground { codes.append("\(30 + Int(foreground.rawValue))") }
      if let background = style.background { codes.append("\(40 + Int(background.rawValue))") }
    }
    return "\u{1B}[" + codes.joined(separator: ";") + "m"
  }
}
