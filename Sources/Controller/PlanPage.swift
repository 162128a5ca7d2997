import Foundation
import Planning
import Protocol
import Units

/// `irectl plan --out FILE.html`: one self-contained page (inline SVG, no script, nothing
/// fetched) with the probe plane and a section along the needles, the iso-field lines of the
/// strongest field of any pair, the probes and the target, and the numbers of the plan.
public enum PlanPage {
  /// Iso-field lines drawn, V/cm, with their colours; the tissue's threshold is drawn as well.
  static let levels: [(Double, String)] = [(400, "#1f77b4"), (600, "#ff7f0e"), (800, "#d62728")]

  public static func render(_ outcome: ProtocolPlanning.Outcome, treatment: TreatmentProtocol) -> String {
    let plan = outcome.plan
    let report = PlanReport(outcome)
    let sectionY = treatment.target?.centre.y.value ?? Self.middle(treatment.probes.map(\.y.value))
    let (section, y) = plan.field.section(atY: Millimetres(sectionY))
    let plane = plan.field.probePlane()
    let threshold = plan.threshold.value
    var html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>Plan: \(escape(treatment.name))</title>
      <style>
      body { font-family: sans-serif; margin: 2em; color: #222; }
      table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: right; }
      figure { display: inline-block; margin: 0 2em 1em 0; vertical-align: top; } svg { background: #fafafa; border: 1px solid #ccc; }
      .warning { color: #a00; }
      </style></head><body>
      <h1>Plan: \(escape(treatment.name))</h1>
      <p>Tissue \(escape(report.tissue)), \(report.conductivity) conductivity, threshold \(format(threshold, 0)) V/cm,
      grid \(format(report.resolutionMm, 2)) mm, solved in \(report.solveMs) ms. Zone
      \(format(report.zone.extentMm.x, 1)) × \(format(report.zone.extentMm.y, 1)) × \(format(report.zone.extentMm.z, 1)) mm
      (x × y × z), \(format(report.zone.volumeMl, 2)) ml\(coverageText(report)).</p>

      """
    for warning in report.warnings { html += "<p class=\"warning\">Warning: \(escape(warning))</p>\n" }
    html += "<figure>\n"
    html += svg(
      plane, threshold: threshold, horizontalLabel: "x (mm)", verticalLabel: "y (mm)",
      probes: planeProbes(treatment), target: planeTarget(treatment.target))
    html += "<figcaption>Probe plane (z = 0), seen along the needles.</figcaption></figure>\n<figure>\n"
    html += svg(
      section, threshold: threshold, horizontalLabel: "x (mm)", verticalLabel: "z (mm)",
      probes: sectionProbes(treatment, y: y.value), target: sectionTarget(treatment.target, y: y.value))
    html += "<figcaption>Section along the needles at y = \(format(y.value, 1)) mm.</figcaption></figure>\n"
    html += "<p>Iso-field lines: "
    html += levels.map { "<span style=\"color:\($0.1)\">\(format($0.0, 0)) V/cm</span>" }.joined(
      separator: ", ")
    html += ", <b>threshold \(format(threshold, 0)) V/cm</b> (black).</p>\n"
    html += "<table><tr><th>pair</th><th>voltage (V)</th><th>midpoint field (V/cm)</th>"
    html += "<th>along × across × height (mm)</th><th>current (A)</th></tr>\n"
    for pair in report.pairs {
      html += "<tr><td>\(pair.anode)–\(pair.cathode)</td><td>\(format(pair.voltageV, 0))</td>"
      html += "<td>\(format(pair.midpointFieldVPerCm, 0))</td>"
      html +=
        "<td>\(format(pair.zoneMm.along, 1)) × \(format(pair.zoneMm.across, 1)) × \(format(pair.zoneMm.height, 1))</td>"
      html += "<td>\(format(pair.currentA, 1))</td></tr>\n"
    }
    html += "</table>\n</body></html>\n"
    return html
  }

  // MARK: - Drawing

  /// A shape in the slice's mm: a probe (filled, or outlined when it lies off the section), or
  /// the target.
  enum Shape {
    case circle(x: Double, y: Double, radius: Double, label: String)
    case rectangle(x0: Double, y0: Double, x1: Double, y1: Double, filled: Bool, label: String)
    case ellipse(x: Double, y: Double, rx: Double, ry: Double)
  }

  /// An iso-line drawn in place of the page's levels (the report's planned and delivered zones).
  struct Outline {
    var segments: [FieldSlice.Segment]
    var colour: String
    var width: Double
    var dash: String?
  }

  /// `slice` framed, with its iso-field lines at `levels` and the threshold, or with `outlines`
  /// instead when given.
  static func svg(
    _ slice: FieldSlice, threshold: Double, horizontalLabel: String, verticalLabel: String, probes: [Shape],
    target: Shape?, outlines: [Outline]? = nil
  ) -> String {
    let xs = slice.horizontal.map(\.value)
    let ys = slice.vertical.map(\.value)
    guard let x0 = xs.first, let x1 = xs.last, let y0 = ys.first, let y1 = ys.last, x1 > x0, y1 > y0 else {
      return "<p>(no field to draw)</p>\n"
    }
    let scale = 480 / Swift.max(x1 - x0, y1 - y0)
    let margin = 40.0
    let width = (x1 - x0) * scale + 2 * margin
    let height = (y1 - y0) * scale + 2 * margin
    func px(_ x: Double) -> String { format(margin + (x - x0) * scale, 1) }
    func py(_ y: Double) -> String { format(height - margin - (y - y0) * scale, 1) }
    var out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(format(width, 0))\" height=\"\(format(height, 0))\">\n"
    out += "<rect x=\"\(px(x0))\" y=\"\(py(y1))\" width=\"\(format((x1 - x0) * scale, 1))\""
    out += " height=\"\(format((y1 - y0) * scale, 1))\" fill=\"none\" stroke=\"#999\"/>\n"
    // Ticks every 5 mm.
    var tick = (x0 / 5).rounded(.up) * 5
    while tick <= x1 {
      out +=
        "<text x=\"\(px(tick))\" y=\"\(format(height - margin + 14, 1))\" font-size=\"10\" text-anchor=\"middle\">\(format(tick, 0))</text>\n"
      tick += 5
    }
    tick = (y0 / 5).rounded(.up) * 5
    while tick <= y1 {
      out +=
        "<text x=\"\(format(margin - 4, 1))\" y=\"\(py(tick))\" font-size=\"10\" text-anchor=\"end\">\(format(tick, 0))</text>\n"
      tick += 5
    }
    out +=
      "<text x=\"\(format(width / 2, 1))\" y=\"\(format(height - 6, 1))\" font-size=\"11\" text-anchor=\"middle\">\(horizontalLabel)</text>\n"
    out += "<text x=\"12\" y=\"\(format(margin - 12, 1))\" font-size=\"11\">\(verticalLabel)</text>\n"
    var lines = levels.map { (level: $0.0, colour: $0.1, width: 1.2) }
    if !levels.contains(where: { $0.0 == threshold }) { lines.append((threshold, "#000", 2)) }
    let drawn =
      outlines
      ?? lines.map {
        Outline(
          segments: slice.contour(at: $0.level), colour: $0.colour,
          width: $0.level == threshold ? 2.4 : $0.width,
          dash: nil)
      }
    for line in drawn where !line.segments.isEmpty {
      var path = ""
      for s in line.segments { path += "M\(px(s.x0)) \(py(s.y0))L\(px(s.x1)) \(py(s.y1))" }
      let dash = line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
      out +=
        "<path d=\"\(path)\" fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"\(format(line.width, 1))\"\(dash)/>\n"
    }
    if let target, case .ellipse(let x, let y, let rx, let ry) = target {
      out +=
        "<ellipse cx=\"\(px(x))\" cy=\"\(py(y))\" rx=\"\(format(rx * scale, 1))\" ry=\"\(format(ry * scale, 1))\""
      out += " fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n"
    }
    for probe in probes {
      switch probe {
      case .circle(let x, let y, let radius, let label):
        out +=
          "<circle cx=\"\(px(x))\" cy=\"\(py(y))\" r=\"\(format(Swift.max(radius * scale, 2), 1))\" fill=\"#444\"/>\n"
        out +=
          "<text x=\"\(px(x + radius + 0.4))\" y=\"\(py(y + radius + 0.4))\" font-size=\"12\">\(label)</text>\n"
      case .rectangle(let rx0, let ry0, let rx1, let ry1, let filled, let label):
        out +=
          "<rect x=\"\(px(rx0))\" y=\"\(py(ry1))\" width=\"\(format(Swift.max((rx1 - rx0) * scale, 2), 1))\""
        out += " height=\"\(format((ry1 - ry0) * scale, 1))\""
        out += filled ? " fill=\"#444\"/>\n" : " fill=\"none\" stroke=\"#888\" stroke-dasharray=\"3 3\"/>\n"
        out += "<text x=\"\(px(rx1 + 0.4))\" y=\"\(py(ry1 + 0.4))\" font-size=\"12\">\(label)</text>\n"
      case .ellipse: break
      }
    }
    return out + "</svg>\n"
  }

  static func planeProbes(_ treatment: TreatmentProtocol) -> [Shape] {
    treatment.probes.map {
      .circle(x: $0.x.value, y: $0.y.value, radius: $0.gauge.radius.value, label: "\($0.id)")
    }
  }

  /// The exposures in the section at `y`: filled where the section cuts the needle, outlined
  /// (seen through the tissue) where it passes beside it. Probes one behind the other share one
  /// outline and one label ("1, 4").
  static func sectionProbes(_ treatment: TreatmentProtocol, y: Double) -> [Shape] {
    var groups: [(x: Double, radius: Double, half: Double, cut: Bool, ids: [Int])] = []
    for probe in treatment.probes {
      let radius = probe.gauge.radius.value
      let half = probe.exposure.value / 2
      let cut = Swift.abs(probe.y.value - y) <= radius
      if let index = groups.firstIndex(where: { Swift.abs($0.x - probe.x.value) < 0.05 }) {
        groups[index].radius = Swift.max(groups[index].radius, radius)
        groups[index].half = Swift.max(groups[index].half, half)
        groups[index].cut = groups[index].cut || cut
        groups[index].ids.append(probe.id)
      } else {
        groups.append((probe.x.value, radius, half, cut, [probe.id]))
      }
    }
    return groups.map { group in
      .rectangle(
        x0: group.x - group.radius, y0: -group.half, x1: group.x + group.radius, y1: group.half,
        filled: group.cut, label: group.ids.map(String.init).joined(separator: ", "))
    }
  }

  static func planeTarget(_ target: Ellipsoid?) -> Shape? {
    guard let target else { return nil }
    return cut(target, offset: target.centre.z.value, radius: target.radii.z.value).map {
      .ellipse(
        x: target.centre.x.value, y: target.centre.y.value, rx: target.radii.x.value * $0,
        ry: target.radii.y.value * $0)
    }
  }

  static func sectionTarget(_ target: Ellipsoid?, y: Double) -> Shape? {
    guard let target else { return nil }
    return cut(target, offset: target.centre.y.value - y, radius: target.radii.y.value).map {
      .ellipse(
        x: target.centre.x.value, y: target.centre.z.value, rx: target.radii.x.value * $0,
        ry: target.radii.z.value * $0)
    }
  }

  /// The scale of an ellipsoid's section at `offset` from its centre along an axis of `radius`.
  static func cut(_ target: Ellipsoid, offset: Double, radius: Double) -> Double? {
    let ratio = offset / radius
    return Swift.abs(ratio) < 1 ? (1 - ratio * ratio).squareRoot() : nil
  }

  // MARK: - Text

  static func coverageText(_ report: PlanReport) -> String {
    guard let coverage = report.coveragePct, let margin = report.marginMm else { return "" }
    return "; target \(format(coverage, 1)) % covered, margin \(format(margin, 1)) mm"
  }

  static func middle(_ values: [Double]) -> Double {
    guard let low = values.min(), let high = values.max() else { return 0 }
    return (low + high) / 2
  }

  static func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
