import Foundation
import Telemetry

/// Lays the model out on a screen of any size from 80×24 up: the banner, state and progress,
/// the current plot, the last pulse's numbers, the ECG strip, the interlocks and the readiness
/// list, the event log and the keys. Extra rows go to the plot and the log. Everything it
/// shows in colour it also shows in characters (capitals, `!`, `#`), so that it reads the
/// same without colour.
struct MonitorLayout {
  static let minimumRows = 24
  static let minimumColumns = 80

  var model: MonitorModel
  var socketPath: String
  /// The footer's question, when one is asked (the abort confirmation).
  var prompt: String?
  /// A line about the connection ("waiting for controller").
  var notice: String?

  func draw(rows: Int, columns: Int) -> Screen {
    var screen = Screen(rows: rows, columns: columns)
    guard rows >= Self.minimumRows, columns >= Self.minimumColumns else {
      screen.put(
        "irectl monitor needs 80×24; this terminal is \(columns)×\(rows)", row: 0, column: 0,
        style: .fg(.yellow, bold: true))
      screen.put(
        model.hello == nil ? "" : "\(model.delivered) / \(model.totalPulses) pulses, state \(model.state)",
        row: 1, column: 0)
      return screen
    }
    let extra = rows - Self.minimumRows
    let plotRows = 5 + extra / 2
    let logRows = 5 + (extra - extra / 2)
    banner(&screen, columns)
    status(&screen, row: 1, columns)
    progress(&screen, row: 2, columns)
    plot(&screen, top: 3, rows: plotRows, columns)
    var row = 3 + plotRows + 2
    numbers(&screen, row: row, columns)
    row += 1
    strip(&screen, row: row, columns)
    row += 1
    row = interlocks(&screen, row: row, columns)
    readiness(&screen, row: row, columns)
    row += 2
    log(&screen, top: row, rows: logRows, columns)
    footer(&screen, row: rows - 1, columns)
    return screen
  }

  private func banner(_ screen: inout Screen, _ columns: Int) {
    let hardware = model.hello?.backend == "linux"
    let style =
      hardware
      ? Style(foreground: .white, background: .red, bold: true, reverse: false)
      : Style(foreground: .black, background: .yellow, bold: true, reverse: false)
    let word = model.hello == nil ? "NO CONTROLLER" : hardware ? "HARDWARE" : "SIMULATOR"
    let what =
      hardware
      ? "HIGH VOLTAGE: a real pulse generator" : model.hello == nil ? "" : "not connected to a patient"
    var text = " ██ \(word) ██  \(what)"
    if let hello = model.hello {
      // The protocol and the board on the right; on a narrow terminal the words in the middle
      // give way first, then the board.
      var right = "\(hello.protocolName ?? "?") on \(hello.board ?? "?") "
      if text.count + right.count + 1 > columns { text = " ██ \(word) ██" }
      if text.count + right.count + 1 > columns { right = "\(hello.protocolName ?? "?") " }
      text += String(repeating: " ", count: max(columns - text.count - right.count, 1)) + right
    }
    screen.put(
      text.padding(toLength: columns, withPad: " ", startingAt: 0), row: 0, column: 0,
      style: bannerStyle(style))
  }

  /// On a terminal without colour the banner still stands out: reverse video.
  private func bannerStyle(_ style: Style) -> Style {
    var style = style
    style.reverse = true
    swap(&style.foreground, &style.background)
    return style
  }

  private func status(_ screen: inout Screen, row: Int, _ columns: Int) {
    if let notice {
      screen.put(notice, row: row, column: 0, style: .fg(.yellow, bold: true))
      return
    }
    let state = model.state.uppercased()
    let stateStyle: Style =
      switch model.state {
      case "latched", "pair_stopped": .fg(.red, bold: true)
      case "paused": .fg(.yellow, bold: true)
      case "delivering", "ready", "charging": .fg(.green, bold: true)
      default: Style(bold: true)
      }
    let clock = " t \(Self.clock(model.now / 1000))"
    let room = columns - clock.count
    var x = screen.put("State ", row: row, column: 0)
    x = screen.put(state, row: row, column: x, style: stateStyle, width: room - x)
    if model.state == "paused", let cause = model.stateCause {
      x = screen.put(" (\(cause))", row: row, column: x, width: room - x)
    }
    // Whole fields or none: a field cut short could show a wrong number.
    var fields = ["   Phase \(model.phase)"]
    if let pair = model.pair, let pairs = model.hello?.pairs, pairs.indices.contains(pair) {
      let info = pairs[pair]
      fields.append(
        "   Pair \(pair + 1)/\(pairs.count) \(info.anode)–\(info.cathode) \(Self.whole(info.voltageV)) V")
    }
    for field in fields where x + field.count <= room { x = screen.put(field, row: row, column: x) }
    screen.put(clock, row: row, column: room)
  }

  private func progress(_ screen: inout Screen, row: Int, _ columns: Int) {
    let total = max(model.totalPulses, 0)
    let counts = "  \(model.delivered) / \(total)  skipped \(model.skipped)"
    let left =
      model.outcome.map { "  \($0.uppercased())" } ?? model.secondsLeft.map { "  left ~\(Self.clock($0))" }
      ?? ""
    let width = max(columns - counts.count - left.count - 2, 10)
    let filled = total == 0 ? 0 : min(width, max(model.delivered, 0) * width / total)
    screen.put("[", row: row, column: 0)
    screen.put(String(repeating: "█", count: filled), row: row, column: 1, style: .fg(.green))
    screen.put(String(repeating: "░", count: width - filled), row: row, column: 1 + filled)
    var x = screen.put("]", row: row, column: 1 + width)
    x = screen.put(counts, row: row, column: x, style: Style(bold: true))
    screen.put(
      left, row: row, column: x,
      style: model.outcome == nil || model.outcome == "completed" ? .plain : .fg(.red, bold: true))
  }

  private func numbers(_ screen: inout Screen, row: Int, _ columns: Int) {
    var parts: [String] = []
    if let pulse = model.lastPulse {
      let onset = pulse.onsetErrorUs.map { String(format: " %+.1f µs", $0) } ?? ""
      parts.append(
        "Last #\((pulse.index ?? 0) + 1) \(pulse.kind ?? "") \(Self.number(pulse.currentA)) A \(Self.number(pulse.voltageV, digits: 0)) V\(onset)"
      )
    } else {
      parts.append("Last pulse: none yet")
    }
    parts.append("bank \(model.bank.map { "\(Self.whole($0)) V" } ?? "-")")
    parts.append("sink \(model.temperature.map { String(format: "%.1f °C", $0) } ?? "-")")
    parts.append("HR \(Self.whole(model.heartRate))")
    // Whole fields or none, as on the status row.
    var x = 0
    for (offset, part) in parts.enumerated() {
      let text = (offset == 0 ? "" : " │ ") + part
      guard x + text.count <= columns else { break }
      x = screen.put(text, row: row, column: x)
    }
  }

  /// The interlocks, eight a row: green when clear, red when failing (capitals and `!`),
  /// reversed red when latched (`#`). Returns the row after the panel and the latched line.
  private func interlocks(_ screen: inout Screen, row: Int, _ columns: Int) -> Int {
    let names = model.hello?.interlocks ?? []
    let perRow = 8
    let width = columns / perRow
    var y = row
    for (offset, name) in names.enumerated() {
      let x = (offset % perRow) * width
      y = row + offset / perRow
      let status = model.interlockStatus(name)
      let label = Self.label(name)
      let text: String
      let style: Style
      if status.latched {
        text = "#" + label.uppercased()
        style = Style(foreground: .red, background: nil, bold: true, reverse: true)
      } else if status.failing {
        text = "!" + label.uppercased()
        style = .fg(.red, bold: true)
      } else {
        text = "·" + label
        style = .fg(.green)
      }
      screen.put(text, row: y, column: x, style: style, width: width - 1)
    }
    y = names.isEmpty ? row : y + 1
    if let latched = model.latched {
      let pulse = latched.pulse.map { " (pulse \($0 + 1))" } ?? ""
      screen.put(
        "LATCHED \(latched.interlock): \(latched.reason)\(pulse)", row: y, column: 0,
        style: .fg(.red, bold: true))
    } else if model.state == "paused", let cause = model.stateCause {
      screen.put(
        "PAUSED \(cause): \(model.stateReason ?? "")", row: y, column: 0, style: .fg(.yellow, bold: true))
    }
    return y + 1
  }

  private func readiness(_ screen: inout Screen, row: Int, _ columns: Int) {
    guard model.hello != nil else { return }
    if model.failing.isEmpty {
      screen.put("Ready: every check passes", row: row, column: 0, style: .fg(.green))
    } else {
      let names = model.failing.sorted().map(Self.label).joined(separator: ", ")
      screen.put("Not ready: \(names)", row: row, column: 0, style: .fg(.yellow, bold: true))
    }
  }

  private func log(_ screen: inout Screen, top: Int, rows: Int, _ columns: Int) {
    screen.put("Events", row: top - 1, column: 0, style: Style(bold: true))
    for (offset, event) in model.events.suffix(rows).enumerated() {
      let time = event.tMs.map { Self.clock($0 / 1000) + " " } ?? "      "
      let style: Style =
        switch event.severity {
        case .info: .plain
        case .warning: .fg(.yellow)
        case .fault: .fg(.red, bold: true)
        }
      let repeats = event.repeats > 1 ? " (×\(event.repeats))" : ""
      screen.put(time + event.text + repeats, row: top + offset, column: 0, style: style)
    }
  }

  private func footer(_ screen: inout Screen, row: Int, _ columns: Int) {
    if let prompt {
      screen.put(
        prompt, row: row, column: 0,
        style: Style(foreground: .red, background: nil, bold: true, reverse: true))
      return
    }
    let keys = "[p] pause  [a] abort  [q] quit console"
    let x = screen.put(keys, row: row, column: 0, style: Style(bold: true))
    screen.put("  ·  \(socketPath)", row: row, column: x)
  }

  /// `mm:ss`, or `h:mm:ss` past an hour.
  static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds < 1e7 else { return "--:--" }
    let total = max(Int(seconds.rounded(.down)), 0)
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%02d:%02d", m, s)
  }

  /// A whole number for the screen; a value no screen can show (from a broken message) is "?".
  static func whole(_ value: Double?) -> String {
    guard let value, value.isFinite, abs(value) < 1e9 else { return value == nil ? "-" : "?" }
    return String(Int(value.rounded()))
  }

  static func number(_ value: Double?, digits: Int = 1) -> String {
    guard let value else { return "-" }
    return String(format: "%.\(digits)f", value)
  }

  /// Short names that fit the panel's ten columns.
  static func label(_ interlock: String) -> String {
    switch interlock {
    case "footswitch_released": "footsw"
    case "footswitch_disagree": "footsw≠"
    case "ecg_trigger": "ecg"
    case "bank_voltage": "bank V"
    case "relay_readback": "relays"
    case "pulse_counter": "counter"
    case "over_current": "over-I"
    case "current_jump": "I jump"
    case "voltage_collapse": "V drop"
    case "hardware_fault": "hw fault"
    case "test_pulse_current": "test I"
    case "low_current": "low I"
    case "pulse_rate": "rate"
    case "over_temperature": "temp"
    case "operator_pause": "pause"
    case "operator_abort": "abort"
    case "estop": "e-stop"
    default: interlock
    }
  }
}
