import Foundation

extension MonitorLayout {
  static let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// The current of every pulse of the pair, in block characters: the x axis is the pair's
  /// whole plan (test pulses, then the sets), so that the plot fills as the pair goes on. Test
  /// pulses in cyan, therapy in green; under the plot a `T` row marks the test pulses and `┊`
  /// the set boundaries.
  func plot(_ screen: inout Screen, top: Int, rows: Int, _ columns: Int) {
    let pairLabel = model.pair.flatMap { pair in
      model.hello?.pairs.flatMap { $0.indices.contains(pair) ? "\($0[pair].anode)–\($0[pair].cathode)" : nil }
    }
    let gutter = 6
    let width = columns - gutter
    let planned = max(model.pairPulses, model.pulses.count, 1)
    let peak = model.pulses.map(\.current).max() ?? 0
    let scale = max(Self.niceCeiling(peak * 1.1), 1)
    var x = screen.put(
      "Current per pulse (A), pair \(pairLabel ?? "-"): \(model.pulses.count) / \(model.pairPulses)",
      row: top, column: 0, style: Style(bold: true))
    // Planned against measured: whole fields or none, the ratio first to go on a narrow terminal.
    var fields: [String] = []
    if let planned = model.plannedCurrent {
      fields.append("   planned \(Self.number(planned)) A")
      if let measured = model.measuredCurrent {
        fields.append(", measured \(Self.number(measured)) A")
        if planned > 0 { fields.append(" (×\(String(format: "%.2f", measured / planned)))") }
      }
    }
    for field in fields {
      guard x + field.count <= columns else { break }
      x = screen.put(field, row: top, column: x)
    }
    screen.put(String(format: "%4.0f ┤", scale), row: top + 1, column: 0)
    screen.put("   0 ┤", row: top + rows, column: 0)
    for row in 2..<rows { screen.put("     │", row: top + row, column: 0) }
    // Each pulse gets its share of the columns (several columns when the pair has fewer
    // pulses than the plot is wide; one column for several pulses, the last one shown, when
    // it has more).
    for pulse in model.pulses {
      let start = min(pulse.indexInPair * width / planned, width - 1)
      let end = max(min((pulse.indexInPair + 1) * width / planned, width), start + 1)
      let eighths = Int((pulse.current / scale * Double(rows * 8)).rounded())
      let style: Style = pulse.test ? .fg(.cyan) : .fg(.green)
      for x in start..<end {
        for row in 0..<rows {
          let level = min(max(eighths - row * 8, 0), 8)
          screen.put(
            level > 0 ? String(Self.blocks[level]) : " ", row: top + rows - row, column: gutter + x,
            style: style)
        }
      }
    }
    // The axis: the test pulses under a row of T, a ┊ where each set begins.
    let axis = top + rows + 1
    screen.put("     └", row: axis, column: 0)
    let test = model.hello?.testPulses ?? 0
    let setSize = max(model.hello?.setSize ?? 0, 1)
    for x in 0..<width {
      let isTest = x * planned / width < test
      screen.put(isTest ? "T" : "─", row: axis, column: gutter + x, style: isTest ? .fg(.cyan) : .plain)
    }
    for boundary in stride(from: test + setSize, to: planned, by: setSize) {
      screen.put("┊", row: axis, column: gutter + boundary * width / planned)
    }
  }

  /// The last fifteen seconds of triggers: `│` an R-wave, `▲` a pulse delivered on it, `x` a
  /// skipped beat, on a line of `─`.
  func strip(_ screen: inout Screen, row: Int, _ columns: Int) {
    let label = "ECG "
    let width = columns - label.count
    let window = 15_000.0
    let end = model.now
    let start = end - window
    var marks = Array(repeating: Character("─"), count: width)
    func place(_ times: [Double], _ mark: Character) {
      for t in times where t >= start && t <= end {
        let x = min(Int((t - start) / window * Double(width)), width - 1)
        marks[x] = mark
      }
    }
    place(model.triggers, "│")
    place(model.skips, "x")
    place(model.deliveries, "▲")
    screen.put(label, row: row, column: 0, style: Style(bold: true))
    for (offset, mark) in marks.enumerated() {
      let style: Style =
        switch mark {
        case "▲": .fg(.green, bold: true)
        case "x": .fg(.yellow)
        case "│": .fg(.white)
        default: .plain
        }
      screen.put(String(mark), row: row, column: label.count + offset, style: style)
    }
  }

  /// 1, 2 or 5 times a power of ten, at least `value`.
  static func niceCeiling(_ value: Double) -> Double {
    guard value > 0 else { return 0 }
    let power = pow(10, floor(log10(value)))
    for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
    return 10 * power
  }
}
