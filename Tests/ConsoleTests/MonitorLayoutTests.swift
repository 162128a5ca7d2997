import Telemetry
import Testing

@testable import Console

/// The console's screen at 80×24 and larger: every part where it belongs, nothing past the
/// edge, and the same meaning without colour.
struct MonitorLayoutTests {
  func screen(_ messages: [TelemetryMessage], rows: Int = 24, columns: Int = 80) -> Screen {
    var model = MonitorModel()
    for message in messages { model.apply(message) }
    return MonitorLayout(model: model, socketPath: "/run/irectl/telemetry.sock").draw(
      rows: rows, columns: columns)
  }

  func text(_ screen: Screen) -> [String] { (0..<screen.rows).map(screen.text(row:)) }

  @Test func everyPartAt80By24() {
    let lines = text(screen(Messages.underWay(pulses: 25)))
    #expect(lines.count == 24)
    #expect(lines.allSatisfy { $0.count <= 80 })
    #expect(lines[0].contains("SIMULATOR"))
    #expect(lines[0].contains("liver-4probe-box"))
    #expect(lines[1].contains("State DELIVERING"))
    #expect(lines[2].contains("25 / 200"))
    #expect(lines[3].contains("pair 1–2: 25 / 100"))
    #expect(lines[9].contains("T"))
    #expect(lines[9].contains("┊"))
    #expect(lines[10].contains("Last #25"))
    #expect(lines[11].hasPrefix("ECG"))
    #expect(lines[11].contains("▲"))
    #expect(lines.contains { $0.contains("·e-stop") })
    #expect(lines[23].contains("[p] pause"))
  }

  @Test func thePlotTitleShowsThePairsPlannedAgainstItsMeasuredCurrent() {
    var messages = Messages.underWay(pulses: 25)
    messages.insert(Messages.plan([12.1, 14.2]), at: 1)
    // The 25th pulse drew 29 A: planned and measured at 80 columns, their ratio too on a wider one.
    let narrow = text(screen(messages))
    #expect(narrow[3].contains("pair 1–2: 25 / 100   planned 12.1 A, measured 29.0 A"), "\(narrow[3])")
    #expect(!narrow[3].contains("×"))
    let wide = text(screen(messages, rows: 30, columns: 120))
    #expect(wide[3].contains("planned 12.1 A, measured 29.0 A (×2.40)"), "\(wide[3])")
    // The next pair: its own plan, and no measurement until its first pulse.
    messages.append(Messages.phase("test_pulses", pair: 1))
    #expect(text(screen(messages))[3].contains("pair 2–3: 0 / 100   planned 14.2 A"))
    #expect(!text(screen(messages))[3].contains("measured"))
    messages.append(Messages.pulse(25, pair: 1, current: 9.5, test: true, at: 27_000))
    #expect(text(screen(messages))[3].contains("planned 14.2 A, measured 9.5 A"))
    // A new hello (another treatment) forgets the plan; a controller that could not plan says
    // nothing of it.
    messages.append(Messages.hello())
    #expect(!text(screen(messages))[3].contains("planned"))
    #expect(!text(screen(Messages.underWay(pulses: 25)))[3].contains("planned"))
  }

  @Test func theHardwareBannerSaysSo() {
    let lines = text(screen([Messages.hello(backend: "linux")]))
    #expect(lines[0].contains("HARDWARE"))
    #expect(!lines[0].contains("SIMULATOR"))
  }

  @Test func aLatchedFaultIsRedAndNamedWithItsReason() {
    var messages = Messages.underWay(pulses: 3)
    messages.append(Messages.fault("estop", "emergency stop pressed", pulse: 3, at: 4000))
    messages.append(Messages.state("latched", cause: "estop", reason: "emergency stop pressed", at: 4000))
    let screen = screen(messages)
    let lines = text(screen)
    #expect(lines.contains { $0.contains("#E-STOP") })
    #expect(lines.contains { $0.hasPrefix("LATCHED estop: emergency stop pressed") })
    guard let row = lines.firstIndex(where: { $0.contains("#E-STOP") }),
      let column = Array(lines[row]).firstIndex(of: "#")
    else { return }
    #expect(screen.cells[row][column].style.foreground == .red)
  }

  @Test func aLargerTerminalGivesThePlotAndTheLogMoreRows() {
    let small = text(screen(Messages.underWay(pulses: 25)))
    let large = text(screen(Messages.underWay(pulses: 25), rows: 40, columns: 120))
    #expect(large.count == 40)
    #expect(large.allSatisfy { $0.count <= 120 })
    #expect(large[39].contains("[p] pause"))
    #expect(large.firstIndex { $0.hasPrefix("ECG") } ?? 0 > small.firstIndex { $0.hasPrefix("ECG") } ?? 0)
  }

  @Test func tooSmallSaysSo() {
    let lines = text(screen(Messages.underWay(pulses: 2), rows: 20, columns: 60))
    #expect(lines[0].contains("needs 80×24"))
  }

  @Test func controlCharactersFromTheWireAreNotDrawn() {
    var log = TelemetryMessage(.log, at: 5)
    log.text = "bad\u{1B}[2Jtext"
    let lines = text(screen([Messages.hello(), log]))
    #expect(lines.contains { $0.contains("bad?[2Jtext") })
  }

  @Test func theStatusRowNeverCutsAFieldNorCoversTheClock() {
    var messages = Messages.underWay(pulses: 3)
    messages.append(
      Messages.state("paused", cause: "footswitch_released", reason: "footswitch released", at: 83_000))
    let row = text(screen(messages))[1]
    #expect(row.hasSuffix(" t 01:23"))
    #expect(row.contains("State PAUSED (footswitch_released)   Phase test_pulses"))
    // The pair does not fit whole beside them at 80 columns: it is left out, not cut short.
    #expect(!row.contains("Pair"))
  }
}
