import Foundation
import Testing

@testable import Record

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite("The treatment report")
struct ReportRendererTests {
  /// Two pairs: pair 1 with 2 test and 90 therapy pulses in sets of 10, pair 2 with 1 test and 25 therapy
  /// pulses in sets of 10; every pulse 50 ms after a trigger 800 ms after the last, the current rising.
  static func sample(
    simulated: Bool = true, protocolName: String = "Liver, 4 probes", outcome: String = "completed",
    deliveredBounds: ClosedRange<Int>? = nil, triggered: Bool = true
  ) -> ReportData {
    let session = ReportData.Session(
      id: "S-0042", backend: simulated ? "simulator" : "linux", simulated: simulated, device: "IRE-6 bench",
      protocolName: protocolName, protocolSHA256: String(repeating: "ab", count: 32),
      boardSHA256: String(repeating: "cd", count: 32), softwareVersion: "0.4.0", operatorName: "Dr. Example",
      startedAt: "2025-03-01T09:00:00Z", endedAt: "2025-03-01T09:04:00Z", outcome: outcome,
      deliveredBounds: deliveredBounds)
    let pairs = [
      ReportData.Pair(index: 1, anode: 1, cathode: 2, voltageV: 2250, setSize: 10),
      ReportData.Pair(index: 2, anode: 3, cathode: 4, voltageV: 1800, setSize: 10),
    ]
    var pulses: [ReportData.Pulse] = []
    var clock = 1000.0
    for (pair, test, therapy) in [(1, 2, 90), (2, 1, 25)] {
      for number in 0..<(test + therapy) {
        let kind = number < test ? "test" : "therapy"
        let current = kind == "test" ? 4.0 : 20 + Double(number - test) * 0.15
        pulses.append(
          .init(
            index: pulses.count, pair: pair, kind: kind, polarity: "normal",
            triggerMs: triggered ? clock : nil,
            firedMs: clock + 50 + Double(number % 3) * 0.01, currentA: current,
            voltageV: pair == 1 ? 2240 : 1795))
        clock += 800
      }
      clock += 10_000
    }
    let skipped = [
      ReportData.Skip(pair: 1, reason: "double_trigger", atMs: 5_000),
      ReportData.Skip(pair: 1, reason: "late", atMs: 9_000),
      ReportData.Skip(pair: 2, reason: "double_trigger", atMs: 90_000),
    ]
    let events = [
      ReportData.InterlockEvent(interlock: "lid", reason: "lid open", atMs: 42_500, recovered: true)
    ]
    let temperatures = stride(from: 0.0, through: 120_000, by: 5_000).map {
      ReportData.Temperature(atMs: $0, celsius: 31 + $0 / 20_000)
    }
    return ReportData(
      session: session, pairs: pairs, pulses: pulses, skipped: skipped, interlockEvents: events,
      temperatures: temperatures, delayWindowMs: triggered ? 48...52 : nil)
  }

  func count(_ needle: String, in text: some StringProtocol) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  /// Every inline SVG of the page, in order.
  func plots(in html: String) -> [Substring] {
    var found: [Substring] = []
    var rest = Substring(html)
    while let start = rest.range(of: "<svg"),
      let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
    {
      found.append(rest[start.lowerBound..<end.upperBound])
      rest = rest[end.upperBound...]
    }
    return found
  }

  @Test func isOneHTML5Page() {
    let html = ReportRenderer.html(Self.sample())
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<meta charset=\"utf-8\">"))
    #expect(html.hasSuffix("</html>\n"))
  }

  @Test func simulatorBannerOnlyWhenSimulated() {
    let simulated = ReportRenderer.html(Self.sample(simulated: true))
    #expect(simulated.contains("<div class=\"banner top\" role=\"alert\">SIMULATOR — NOT A TREATMENT</div>"))
    let top = simulated.range(of: "SIMULATOR — NOT A TREATMENT")?.lowerBound
    let header = simulated.range(of: "<header>")?.lowerBound
    #expect(top != nil && header != nil && top ?? simulated.endIndex < header ?? simulated.startIndex)
    // Repeated on every section and the footer, so that every printed page shows it.
    #expect(count("class=\"banner stamp\"", in: simulated) == count("<section", in: simulated) + 1)
    let hardware = ReportRenderer.html(Self.sample(simulated: false))
    #expect(!hardware.contains("SIMULATOR"))
    #expect(!hardware.contains("class=\"banner"))
    #expect(hardware.contains("<div class=\"hardware\">HARDWARE</div>"))
  }

  @Test func onePlotPerExpectedFigure() {
    // Current and voltage for each of the two pairs, heart rate, trigger delay, temperature.
    let html = ReportRenderer.html(Self.sample())
    #expect(count("<svg", in: html) == 7)
    #expect(count("</svg>", in: html) == 7)
    let labels = plots(in: html).compactMap { plot in
      plot.firstRange(of: "aria-label=\"").map { plot[$0.upperBound...].prefix { $0 != "\"" } }
    }
    #expect(
      labels == [
        "Current per pulse, pair 1", "Voltage per pulse, pair 1", "Current per pulse, pair 2",
        "Voltage per pulse, pair 2", "Heart rate over time", "Delay from trigger to pulse",
        "Heat-sink temperature over time",
      ])
  }

  @Test func setBoundariesBetweenSets() {
    // Pair 1: 90 therapy pulses in sets of 10 make 9 sets, 8 boundaries between them; pair 2: 25 pulses
    // make 3 sets, 2 boundaries. Each boundary is drawn on the current and on the voltage plot.
    let all = plots(in: ReportRenderer.html(Self.sample()))
    #expect(all.map { count("<line class=\"set-boundary\"", in: $0) } == [8, 8, 2, 2, 0, 0, 0])
    // Pair 1's first boundary lies between pulses 12 and 13 (therapy pulses 10 and 11, after 2 tests).
    let first = all[0].firstRange(of: "<line class=\"set-boundary\"").map { all[0][$0.lowerBound...] }
    let axis = Axis(values: (1...92).map(Double.init), integral: true)
    #expect(axis.lo == 0 && axis.hi == 100)
    let x = 66 + 12.5 / 100 * (760 - 66 - 14)
    #expect(first?.hasPrefix("<line class=\"set-boundary\" x1=\"\(String(format: "%.1f", x))\"") == true)
  }

  @Test func testAndTherapyPulsesAreDrawnDifferently() {
    let current = plots(in: ReportRenderer.html(Self.sample()))[0]
    // 2 test squares and 90 therapy circles, plus one swatch of each in the legend.
    #expect(count("<rect x=", in: current) == 2 + 1)
    #expect(count("<circle", in: current) == 90 + 1)
    #expect(current.contains("<g fill=\"\(ReportRenderer.testColour)\"><rect"))
    #expect(current.contains("<g fill=\"\(ReportRenderer.therapyColour)\"><circle"))
    #expect(current.contains(">Test pulse</text>"))
    #expect(current.contains(">Therapy pulse</text>"))
    #expect(current.contains(">Set boundary (every 10 therapy pulses)</text>"))
    #expect(current.contains(">Current (A)</text>"))
  }

  @Test func summaryCountsAndCurrentRise() {
    let html = ReportRenderer.html(Self.sample())
    // Pair 1: 2 test, 90 therapy, 2 skipped; first 20.0 A, last 20 + 89 × 0.15 = 33.35 A, mean 26.675 A.
    #expect(
      html.contains(
        "<tr><td>1</td><td>1–2</td><td class=\"num\">2250</td><td class=\"num\">2</td><td class=\"num\">90</td>"
          + "<td class=\"num\">2</td><td class=\"num\">20.0</td><td class=\"num\">33.4</td>"
          + "<td class=\"num\">26.7</td><td class=\"num\">+13.4</td></tr>"))
    #expect(html.contains("<td>double_trigger</td><td class=\"num\">2</td>"))
    #expect(html.contains("<td>late</td><td class=\"num\">1</td>"))
    #expect(html.contains("<td class=\"num\">42.500</td><td>lid</td><td>lid open</td><td>yes</td>"))
  }

  @Test func textIsEscaped() {
    let html = ReportRenderer.html(Self.sample(protocolName: "Pancreas <A&B> \"v2\""))
    #expect(html.contains("<h1>Treatment report: Pancreas &lt;A&amp;B&gt; &quot;v2&quot;</h1>"))
    #expect(!html.contains("<A&B>"))
  }

  @Test func interruptedShowsTheDeliveredBounds() {
    let html = ReportRenderer.html(Self.sample(outcome: "interrupted", deliveredBounds: 57...58))
    #expect(html.contains("interrupted — between 57 and 58 pulses delivered"))
    #expect(!ReportRenderer.html(Self.sample()).contains("pulses delivered"))
  }

  @Test func fixedRateSaysThereAreNoTriggers() {
    let html = ReportRenderer.html(Self.sample(triggered: false))
    #expect(html.contains("No heart triggers were recorded: pulses were delivered at a fixed rate"))
    #expect(count("<svg", in: html) == 5)
  }

  @Test func heartRateLeavesOutLongGaps() {
    // 92 then 26 triggers 800 ms apart with a 10.8 s gap between the pairs: 91 + 25 intervals at 75 bpm.
    let all = plots(in: ReportRenderer.html(Self.sample()))
    #expect(count("<circle", in: all[4]) == 91 + 25 + 1)
    #expect(all[4].contains(">75</text>"))
    // One line, broken once at the gap between the pairs.
    #expect(count("<path class=\"series\"", in: all[4]) == 1)
    #expect(count("d=\"M", in: all[4]) == 1)
    #expect(count(" M", in: all[4]) == 1)
    #expect(all[4].contains(">Heart rate (bpm)</text>"))
    // The delay plot: one point per triggered pulse, the window shaded.
    #expect(count("<circle", in: all[5]) == 92 + 26 + 1)
    #expect(count("<rect class=\"band\"", in: all[5]) == 2)
    #expect(all[5].contains(">Delivery window</text>"))
  }

  @Test func noPulsesIsANoteNotAPlot() {
    var data = Self.sample()
    data.pulses = []
    data.temperatures = []
    let html = ReportRenderer.html(data)
    #expect(count("<svg", in: html) == 0)
    #expect(count("No pulses were delivered on this pair.", in: html) == 2)
    #expect(html.contains("No heart triggers were recorded"))
    #expect(html.contains("No heat-sink temperature was recorded."))
    #expect(html.contains("<td class=\"num\">0</td><td class=\"num\">0</td>"))
  }

  @Test func isSelfContained() {
    let html = ReportRenderer.html(Self.sample())
    #expect(!html.contains("http://"))
    #expect(!html.contains("https://"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("<link"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("url("))
  }

  @Test func footerCarriesHashesAndVersion() {
    let html = ReportRenderer.html(Self.sample())
    #expect(html.contains("<td class=\"hash\">\(String(repeating: "ab", count: 32))</td>"))
    #expect(html.contains("<td class=\"hash\">\(String(repeating: "cd", count: 32))</td>"))
    #expect(html.contains("<tr><th>Software version</th><td>0.4.0</td></tr>"))
  }

  @Test func plotsAreWellFormedXML() throws {
    let all = plots(in: ReportRenderer.html(Self.sample(protocolName: "a <b> & c")))
    #expect(all.count == 7)
    for plot in all {
      let document = try XMLDocument(xmlString: String(plot))
      #expect(document.rootElement()?.name == "svg")
    }
  }

  @Test(arguments: [(0.0, 87.0), (-3.2, 4.1), (20.0, 33.35), (5.0, 5.0), (0.001, 0.0042), (1, 3)])
  func axisTicksAreRound(low: Double, high: Double) {
    let axis = Axis(values: [low, high], integral: false)
    #expect(axis.lo <= low && axis.hi >= high)
    let mantissa = axis.step / pow(10, log10(axis.step).rounded(.down))
    #expect([1, 2, 2.5, 5, 10].contains { abs($0 - mantissa) < 1e-9 })
    #expect((3...11).contains(axis.ticks.count))
    #expect(!axis.ticks.map(axis.label).contains("-0"))
  }
}
