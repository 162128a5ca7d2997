/// A colour of the console's palette. Without colour (`NO_COLOR`, `TERM=dumb`) the renderer
/// drops it and the layout's own marks (capitals, `!`, `#`) carry the meaning.
enum Colour: UInt8 {
  case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn.
struct Style: Equatable {
  var foreground: Colour?
  var background: Colour?
  var bold = false
  var reverse = false

  static let plain = Style()
  static func fg(_ colour: Colour, bold: Bool = false) -> Style { Style(foreground: colour, bold: bold) }
}

struct Cell: Equatable {
  var character: Character = " "
  var style = Style.plain
}

/// One frame of the console: a grid of cells the layout writes into and the renderer compares
/// with the frame on the terminal.
struct Screen: Equatable {
  let rows: Int
  let columns: Int
  private(set) var cells: [[Cell]]

  init(rows: Int, columns: Int) {
    self.rows = max(rows, 0)
    self.columns = max(columns, 0)
    cells = Array(repeating: Array(repeating: Cell(), count: self.columns), count: self.rows)
  }

  /// Writes `text` at (`row`, `column`), clipped to the screen; returns the column after it.
  /// Control characters (which a broken or hostile message could carry) are drawn as `?`.
  @discardableResult
  mutating func put(_ text: String, row: Int, column: Int, style: Style = .plain, width: Int? = nil) -> Int {
    guard row >= 0, row < rows else { return column }
    let limit = min(columns, width.map { column + $0 } ?? columns)
    var x = column
    for character in text {
      guard x < limit else { break }
      if x >= 0 { cells[row][x] = Cell(character: Screen.printable(character), style: style) }
      x += 1
    }
    return x
  }

  /// Paints the style over a span, keeping the characters.
  mutating func paint(row: Int, from start: Int, to end: Int, style: Style) {
    guard row >= 0, row < rows else { return }
    for x in max(start, 0)..<min(end, columns) { cells[row][x].style = style }
  }

  /// Characters a terminal draws one column wide: Latin and the symbol blocks the layout uses
  /// (punctuation, arrows, box drawing, blocks, geometric shapes, braille). Anything else (a
  /// control character a broken or hostile message could carry, a wide character that would
  /// push the rest of the row right) is drawn as `?`.
  static func printable(_ character: Character) -> Character {
    guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return "?" }
    switch scalar.value {
    case 0x20..<0x7F, 0xA0..<0xAD, 0xAE..<0x300, 0x370..<0x1100, 0x2010..<0x2028, 0x2030..<0x205F,
      0x2190..<0x2300, 0x2500..<0x2600, 0x2700..<0x2900:
      return character
    default:
      return "?"
    }
  }

  /// The text of a row, trailing blanks trimmed (for the line mode and for tests).
  func text(row: Int) -> String {
    String(cells[row].map(\.character)).replacingOccurrences(
      of: "\\s+$", with: "", options: .regularExpression)
  }
}
