import Foundation

/// The clinician's treatment report: one self-contained HTML page (inline CSS and SVG, no scripts,
/// nothing fetched), readable on screen and on paper. A pure function of the record's data.
public enum ReportRenderer {
  static let simulatorText = "SIMULATOR — NOT A TREATMENT"
  static let testColour = "#d55e00"
  static let therapyColour = "#0072b2"
  /// Consecutive triggers further apart than this are not one heartbeat (a pair change, a pause).
  static let longestBeatMs = 3000.0

  public static func html(_ data: ReportData) -> String {
    let stamp = data.session.simulated ? "<div class=\"banner stamp\">\(simulatorText)</div>\n" : ""
    var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    page += "<title>Treatment report: \(e(data.session.protocolName)) (\(e(data.session.id)))</title>\n"
    page += "<style>\n\(style)</style>\n</head>\n<body>\n"
    if data.session.simulated {
      page += "<div class=\"edge\" aria-hidden=\"true\">\(simulatorText)</div>\n"
      page += "<div class=\"banner top\" role=\"alert\">\(simulatorText)</div>\n"
    } else {
      page += "<div class=\"hardware\">HARDWARE</div>\n"
    }
    page += header(data)
    page += "<section>\n\(stamp)<h2>Pairs</h2>\n\(summaryTable(data))</section>\n"
    page +=
      "<section>\n\(stamp)<h2>Ablation zone: planned and delivered</h2>\n\(zoneSection(data))</section>\n"
    for pair in data.pairs {
      page += "<section class=\"pair\">\n\(stamp)" + pairSection(pair, pulses: pulses(of: pair, in: data))
      page += "</section>\n"
    }
    page += "<section>\n\(stamp)<h2>Heart synchronisation</h2>\n\(heartSection(data))</section>\n"
    page += "<section>\n\(stamp)<h2>Heat-sink temperature</h2>\n\(temperatureSection(data))</section>\n"
    page += "<section>\n\(stamp)\(eventTables(data))</section>\n"
    page += footer(data.session, stamp: stamp)
    return page + "</body>\n</html>\n"
  }

  static func header(_ data: ReportData) -> String {
    let session = data.session
    let therapy = data.pulses.filter { $0.kind == "therapy" }.count
    var outcome = e(session.outcome)
    if session.outcome == "interrupted" {
      if let bounds = session.deliveredBounds {
        outcome += " — between \(bounds.lowerBound) and \(bounds.upperBound) pulses delivered"
      } else {
        outcome += " — the number of pulses delivered is not known"
      }
    }
    let rows: [(String, String)] = [
      ("Protocol", e(session.protocolName)), ("Device", e(session.device)), ("Session", e(session.id)),
      ("Backend", e(session.backend) + (session.simulated ? " (simulated)" : "")),
      ("Operator", e(session.operatorName)), ("Started", e(session.startedAt)),
      ("Ended", e(session.endedAt ?? "not recorded")), ("Outcome", "<strong>\(outcome)</strong>"),
      ("Pulses recorded", "\(data.pulses.count) (\(data.pulses.count - therapy) test, \(therapy) therapy)"),
    ]
    var out = "<header>\n<h1>Treatment report: \(e(session.protocolName))</h1>\n<table class=\"facts\">\n"
    for (name, value) in rows { out += "<tr><th>\(name)</th><td>\(value)</td></tr>\n" }
    return out + "</table>\n</header>\n"
  }

  static func summaryTable(_ data: ReportData) -> String {
    guard !data.pairs.isEmpty else { return note("The record holds no pairs.") }
    var out = "<table>\n<thead><tr><th>Pair</th><th>Anode–cathode</th><th class=\"num\">Voltage (V)</th>"
    out += "<th class=\"num\">Test pulses</th><th class=\"num\">Therapy pulses</th>"
    out += "<th class=\"num\">Skipped beats</th><th class=\"num\">First therapy current (A)</th>"
    out += "<th class=\"num\">Last (A)</th><th class=\"num\">Mean (A)</th><th class=\"num\">Rise (A)</th>"
    out += "</tr></thead>\n<tbody>\n"
    for pair in data.pairs {
      let pulses = pulses(of: pair, in: data)
      let therapy = pulses.filter { $0.kind == "therapy" }
      let currents = therapy.compactMap(\.currentA)
      let skipped = data.skipped.filter { $0.pair == pair.index }.count
      var cells = [
        "\(pair.index)", "\(pair.anode)–\(pair.cathode)", f(pair.voltageV, 0),
        "\(pulses.count - therapy.count)", "\(therapy.count)", "\(skipped)",
      ]
      if let first = currents.first, let last = currents.last {
        let mean = currents.reduce(0, +) / Double(currents.count)
        cells += [f(first, 1), f(last, 1), f(mean, 1), (last >= first ? "+" : "") + f(last - first, 1)]
      } else {
        cells += ["—", "—", "—", "—"]
      }
      out +=
        "<tr>"
        + cells.enumerated().map { $0 < 2 ? "<td>\($1)</td>" : "<td class=\"num\">\($1)</td>" }.joined()
      out += "</tr>\n"
    }
    return out + "</tbody>\n</table>\n"
  }

  static func pairSection(_ pair: ReportData.Pair, pulses: [ReportData.Pulse]) -> String {
    let title = "Pair \(pair.index): anode \(pair.anode), cathode \(pair.cathode), \(f(pair.voltageV, 0)) V"
    var out = "<h2>\(title)</h2>\n"
    guard !pulses.isEmpty else { return out + note("No pulses were delivered on this pair.") }
    var test: [(Double, ReportData.Pulse)] = []
    var therapy: [(Double, ReportData.Pulse)] = []
    var boundaries: [Double] = []
    for (offset, pulse) in pulses.enumerated() {
      let x = Double(offset + 1)
      guard pulse.kind == "therapy" else {
        test.append((x, pulse))
        continue
      }
      if pair.setSize > 0, !therapy.isEmpty, therapy.count % pair.setSize == 0 { boundaries.append(x - 0.5) }
      therapy.append((x, pulse))
    }
    let unmeasured = pulses.filter { $0.currentA == nil }.count
    if unmeasured > 0 {
      out += note(
        "\(unmeasured) pulse\(unmeasured == 1 ? " was" : "s were") delivered on this pair but not measured"
          + " (the supervisor's read-back failed); they are counted, not plotted.")
    }
    let guides = SVGPlot.Guides(
      name: "Set boundary (every \(pair.setSize) therapy pulses)", xs: boundaries, cssClass: "set-boundary")
    for (quantity, unit, value) in [
      ("Current", "A", \ReportData.Pulse.currentA), ("Voltage", "V", \.voltageV),
    ] {
      let plot = SVGPlot(
        label: "\(quantity) per pulse, pair \(pair.index)", xTitle: "Pulse number within the pair",
        yTitle: "\(quantity) (\(unit))",
        series: [
          .init(
            name: "Test pulse",
            points: test.compactMap { p in p.1[keyPath: value].map { .init(x: p.0, y: $0) } },
            colour: testColour,
            marker: .square),
          .init(
            name: "Therapy pulse",
            points: therapy.compactMap { p in p.1[keyPath: value].map { .init(x: p.0, y: $0) } },
            colour: therapyColour, connected: true),
        ], guides: guides, height: 250, integralX: true)
      out += figure(plot, caption: "\(quantity) (\(unit)) of each pulse, pair \(pair.index).")
    }
    return out
  }

  static func heartSection(_ data: ReportData) -> String {
    let triggered = data.pulses.compactMap { p in p.triggerMs.map { (trigger: $0, fired: p.firedMs) } }
      .sorted { $0.trigger < $1.trigger }
    guard !triggered.isEmpty else {
      return note("No heart triggers were recorded: pulses were delivered at a fixed rate, not ECG-gated.")
    }
    var rate: [SVGPlot.Point] = []
    for (previous, next) in zip(triggered, triggered.dropFirst()) {
      let interval = next.trigger - previous.trigger
      if interval > 0, interval <= longestBeatMs {
        rate.append(.init(x: next.trigger / 1000, y: 60_000 / interval))
      }
    }
    var out = "<div class=\"side\">\n"
    if rate.isEmpty {
      out += "<div>\(note("Too few consecutive triggers for a heart rate."))</div>\n"
    } else {
      let plot = SVGPlot(
        label: "Heart rate over time", xTitle: "Time from start (s)", yTitle: "Heart rate (bpm)",
        series: [
          .init(
            name: "Between consecutive triggers", points: rate, colour: "#009e73", connected: true,
            longestStep: longestBeatMs / 1000)
        ],
        width: 440, height: 300)
      out += figure(plot, caption: "Heart rate from consecutive triggers (gaps over 3 s left out).")
    }
    let delays = triggered.map { SVGPlot.Point(x: $0.trigger / 1000, y: $0.fired - $0.trigger) }
    let band = data.delayWindowMs.map { SVGPlot.Band(name: "Delivery window", range: $0) }
    let plot = SVGPlot(
      label: "Delay from trigger to pulse", xTitle: "Time from start (s)", yTitle: "Delay after trigger (ms)",
      series: [.init(name: "Pulse", points: delays, colour: therapyColour)], band: band, width: 440,
      height: 300)
    out += figure(
      plot, caption: "Delay of each pulse after its trigger" + (band == nil ? "." : ", with the window."))
    return out + "</div>\n"
  }

  static func temperatureSection(_ data: ReportData) -> String {
    guard !data.temperatures.isEmpty else { return note("No heat-sink temperature was recorded.") }
    let plot = SVGPlot(
      label: "Heat-sink temperature over time", xTitle: "Time from start (s)", yTitle: "Temperature (°C)",
      series: [
        .init(
          name: "Heat sink",
          points: data.temperatures.sorted { $0.atMs < $1.atMs }.map {
            .init(x: $0.atMs / 1000, y: $0.celsius)
          },
          colour: "#cc3311", marker: .none, connected: true)
      ], height: 240)
    return figure(plot, caption: "Heat-sink temperature (°C).")
  }

  static func eventTables(_ data: ReportData) -> String {
    var out = "<h2>Interlock events</h2>\n"
    if data.interlockEvents.isEmpty {
      out += note("No interlock events.")
    } else {
      out +=
        "<table class=\"narrow\">\n<thead><tr><th class=\"num\">Time (s)</th><th>Interlock</th><th>Reason</th>"
      out += "<th>Recovered</th></tr></thead>\n<tbody>\n"
      for event in data.interlockEvents.sorted(by: { $0.atMs < $1.atMs }) {
        out += "<tr><td class=\"num\">\(f(event.atMs / 1000, 3))</td><td>\(e(event.interlock))</td>"
        out += "<td>\(e(event.reason))</td><td>\(event.recovered ? "yes" : "<strong>no</strong>")</td></tr>\n"
      }
      out += "</tbody>\n</table>\n"
    }
    out += "<h2>Skipped beats</h2>\n"
    guard !data.skipped.isEmpty else { return out + note("No beats were skipped.") }
    let counts = Dictionary(grouping: data.skipped, by: \.reason).map {
      (reason: $0.key, count: $0.value.count)
    }
    .sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    out +=
      "<table class=\"narrow\">\n<thead><tr><th>Reason</th><th class=\"num\">Beats</th></tr></thead>\n<tbody>\n"
    for row in counts { out += "<tr><td>\(e(row.reason))</td><td class=\"num\">\(row.count)</td></tr>\n" }
    return out
      + "<tr class=\"total\"><td>Total</td><td class=\"num\">\(data.skipped.count)</td></tr>\n</tbody>\n</table>\n"
  }

  static func footer(_ session: ReportData.Session, stamp: String) -> String {
    var out = "<footer>\n\(stamp)<table class=\"facts\">\n"
    out += "<tr><th>Protocol SHA-256</th><td class=\"hash\">\(e(session.protocolSHA256))</td></tr>\n"
    out += "<tr><th>Board SHA-256</th><td class=\"hash\">\(e(session.boardSHA256))</td></tr>\n"
    out += "<tr><th>Software version</th><td>\(e(session.softwareVersion))</td></tr>\n"
    return out + "</table>\n</footer>\n"
  }

  /// The pair's pulses in delivery order.
  static func pulses(of pair: ReportData.Pair, in data: ReportData) -> [ReportData.Pulse] {
    data.pulses.filter { $0.pair == pair.index }.sorted { $0.index < $1.index }
  }

  static func figure(_ plot: SVGPlot, caption: String) -> String {
    "<figure>\n\(plot.svg())\n<figcaption>\(e(caption))</figcaption>\n</figure>\n"
  }

  static func note(_ text: String) -> String { "<p class=\"note\">\(e(text))</p>\n" }
  static func e(_ text: String) -> String { Markup.escape(text) }
  static func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

  static let style = """
    * { box-sizing: border-box; }
    body { font: 14px/1.45 system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111;
      background: #fff; max-width: 1100px; margin: 0 auto; padding: 0 24px 24px 48px;
      -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    h1 { font-size: 24px; margin: 14px 0 8px; } h2 { font-size: 18px; margin: 22px 0 8px; break-after: avoid; }
    .banner { background: #c00000; color: #fff; font-weight: 800; text-align: center; letter-spacing: 0.08em; }
    .banner.top { font-size: 28px; padding: 14px; margin-top: 12px; border: 4px solid #600; }
    .banner.stamp { font-size: 13px; padding: 3px; margin: 18px 0 6px; }
    .edge { position: fixed; left: 0; top: 0; bottom: 0; width: 28px; background: #c00000; color: #fff;
      font-weight: 800; font-size: 13px; letter-spacing: 0.15em; writing-mode: vertical-rl; text-align: center; }
    .hardware { display: inline-block; margin-top: 12px; padding: 3px 10px; border: 1px solid #555;
      border-radius: 3px; font-weight: 600; letter-spacing: 0.1em; color: #333; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { border-bottom: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
    thead th { border-bottom: 2px solid #444; } .num { text-align: right; } tr.total td { font-weight: 600; }
    table.facts { width: auto; } table.facts th { padding-right: 24px; } table.narrow { width: auto; }
    td.hash { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
    figure { margin: 10px 0; break-inside: avoid; } figcaption { font-size: 12px; color: #444; }
    .side { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
    svg.plot { display: block; width: 100%; height: auto; }
    svg text { font-family: inherit; font-size: 12px; fill: #222; }
    svg .frame { fill: #fff; stroke: #888; } svg .grid { stroke: #e3e3e3; } svg .tickmark { stroke: #888; }
    svg .axis-title { font-size: 13px; font-weight: 600; } svg .series { fill: none; stroke-width: 1.2; }
    svg .set-boundary, svg .guide-swatch { stroke: #555; stroke-width: 1; stroke-dasharray: 4 3; }
    svg .band { fill: #56b4e9; fill-opacity: 0.25; stroke: none; }
    .note { color: #555; font-style: italic; }
    .missing { color: #b00020; }
    footer { margin-top: 28px; border-top: 2px solid #444; font-size: 12px; }
    @page { size: A4; margin: 12mm 12mm 12mm 16mm; }
    @media print { body { max-width: none; padding: 0 0 0 34px; font-size: 11pt; } .edge { width: 24px; } }

    """
}
