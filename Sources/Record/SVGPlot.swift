import Foundation

/// A small line and scatter plot as inline SVG: round-number ticks, axis titles with units, a legend,
/// dashed vertical guides and a shaded horizontal band. Sized by its viewBox, drawn at 100 % width.
struct SVGPlot {
  struct Point: Equatable {
    var x: Double
    var y: Double
  }

  enum Marker {
    case circle
    case square
    case none
  }

  struct Series {
    var name: String
    var points: [Point]
    var colour: String
    var marker: Marker = .circle
    var connected = false
    /// The line is broken between consecutive points further apart than this along x.
    var longestStep = Double.infinity
  }

  /// Dashed vertical lines, all with one CSS class and one legend entry.
  struct Guides {
    var name: String
    var xs: [Double]
    var cssClass: String
  }

  /// A shaded horizontal band (a window) with one legend entry.
  struct Band {
    var name: String
    var range: ClosedRange<Double>
  }

  var label: String
  var xTitle: String
  var yTitle: String
  var series: [Series]
  var guides: Guides? = nil
  var band: Band? = nil
  var width = 760.0
  var height = 280.0
  var integralX = false

  private let left = 66.0
  private let right = 14.0
  private let top = 34.0
  private let bottom = 46.0

  func svg() -> String {
    let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    var ys = points.map(\.y)
    if let band { ys += [band.range.lowerBound, band.range.upperBound] }
    let xAxis = Axis(values: points.map(\.x) + (guides?.xs ?? []), integral: integralX)
    let yAxis = Axis(values: ys, integral: false, headroom: 0.04)
    let plotW = width - left - right
    let plotH = height - top - bottom
    let px = { (x: Double) in left + (x - xAxis.lo) / (xAxis.hi - xAxis.lo) * plotW }
    let py = { (y: Double) in top + plotH - (y - yAxis.lo) / (yAxis.hi - yAxis.lo) * plotH }

    var out = "<svg class=\"plot\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"100%\""
    out += " role=\"img\" aria-label=\"\(Markup.escape(label))\">\n<title>\(Markup.escape(label))</title>\n"
    out +=
      "<rect class=\"frame\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\"/>\n"
    if let band {
      let y0 = py(band.range.upperBound)
      let h = max(py(band.range.lowerBound) - y0, 1)
      out +=
        "<rect class=\"band\" x=\"\(n(left))\" y=\"\(n(y0))\" width=\"\(n(plotW))\" height=\"\(n(h))\"/>\n"
    }
    for tick in yAxis.ticks {
      let y = py(tick)
      out +=
        "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y))\"/>"
      out += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">"
      out += "\(yAxis.label(tick))</text>\n"
    }
    for tick in xAxis.ticks {
      let x = px(tick)
      out +=
        "<line class=\"tickmark\" x1=\"\(n(x))\" y1=\"\(n(top + plotH))\" x2=\"\(n(x))\" y2=\"\(n(top + plotH + 5))\"/>"
      out += "<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(top + plotH + 18))\" text-anchor=\"middle\">"
      out += "\(xAxis.label(tick))</text>\n"
    }
    if let guides {
      for x in guides.xs {
        out += "<line class=\"\(guides.cssClass)\" x1=\"\(n(px(x)))\" y1=\"\(n(top))\" x2=\"\(n(px(x)))\""
        out += " y2=\"\(n(top + plotH))\"/>\n"
      }
    }
    for item in series {
      let visible = item.points.filter { $0.x.isFinite && $0.y.isFinite }
      if item.connected, visible.count > 1 {
        var path = ""
        for (offset, point) in visible.enumerated() {
          let jump = offset == 0 || point.x - visible[offset - 1].x > item.longestStep
          path += (offset == 0 ? "" : " ") + (jump ? "M" : "L") + "\(n(px(point.x))),\(n(py(point.y)))"
        }
        out += "<path class=\"series\" stroke=\"\(item.colour)\" d=\"\(path)\"/>\n"
      }
      guard item.marker != .none, !visible.isEmpty else { continue }
      out += "<g fill=\"\(item.colour)\">"
      for point in visible { out += marker(item.marker, at: px(point.x), py(point.y), size: 2.6) }
      out += "</g>\n"
    }
    out +=
      "<text class=\"axis-title\" x=\"\(n(left + plotW / 2))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">"
    out += "\(Markup.escape(xTitle))</text>\n"
    out += "<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate(16 \(n(top + plotH / 2)))"
    out += " rotate(-90)\">\(Markup.escape(yTitle))</text>\n"
    return out + legend() + "</svg>"
  }

  private func legend() -> String {
    var out = ""
    var x = left
    let y = 16.0
    func entry(_ swatch: String, _ name: String) {
      out +=
        swatch + "<text class=\"legend\" x=\"\(n(x + 28))\" y=\"\(n(y + 4))\">\(Markup.escape(name))</text>\n"
      x += 40 + Double(name.count) * 6.6
    }
    for item in series {
      var swatch = ""
      if item.connected {
        swatch += "<line stroke=\"\(item.colour)\" stroke-width=\"1.5\" x1=\"\(n(x))\" y1=\"\(n(y))\""
        swatch += " x2=\"\(n(x + 22))\" y2=\"\(n(y))\"/>"
      }
      if item.marker != .none {
        swatch += "<g fill=\"\(item.colour)\">\(marker(item.marker, at: x + 11, y, size: 3.5))</g>"
      }
      entry(swatch, item.name)
    }
    if let guides {
      entry(
        "<line class=\"guide-swatch\" x1=\"\(n(x + 11))\" y1=\"\(n(y - 8))\" x2=\"\(n(x + 11))\" y2=\"\(n(y + 8))\"/>",
        guides.name)
    }
    if let band {
      entry("<rect class=\"band\" x=\"\(n(x))\" y=\"\(n(y - 6))\" width=\"22\" height=\"12\"/>", band.name)
    }
    return out
  }

  private func marker(_ marker: Marker, at x: Double, _ y: Double, size: Double) -> String {
    switch marker {
    case .circle: "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(size))\"/>"
    case .square:
      "<rect x=\"\(n(x - size))\" y=\"\(n(y - size))\" width=\"\(n(2 * size))\" height=\"\(n(2 * size))\"/>"
    case .none: ""
    }
  }

  private func n(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// An axis over round numbers: a step of 1, 2, 2.5 or 5 times a power of ten, about six ticks.
struct Axis {
  let lo: Double
  let hi: Double
  let step: Double
  let decimals: Int

  /// `headroom` widens the range by that fraction on each side (never across zero), so that no point
  /// sits on the frame.
  init(values: [Double], integral: Bool, headroom: Double = 0) {
    let finite = values.filter(\.isFinite)
    var low = finite.min() ?? 0
    var high = finite.max() ?? 1
    if high - low < 1e-9 {
      let pad = max(abs(low) * 0.1, 1)
      low -= pad
      high += pad
    } else if headroom > 0 {
      let pad = (high - low) * headroom
      low = low >= 0 ? max(low - pad, 0) : low - pad
      high = high <= 0 ? min(high + pad, 0) : high + pad
    }
    let raw = (high - low) / 5
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let fraction = raw / magnitude
    let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
    let step = integral ? max(nice * magnitude, 1) : nice * magnitude
    self.step = step
    lo = (low / step).rounded(.down) * step
    hi = (high / step).rounded(.up) * step
    decimals =
      (0...6).first { d in
        let scaled = step * pow(10, Double(d))
        return abs(scaled - scaled.rounded()) < 1e-6
      } ?? 6
  }

  var ticks: [Double] {
    let count = Int(((hi - lo) / step).rounded())
    return (0...max(count, 0)).map { lo + Double($0) * step }
  }

  func label(_ value: Double) -> String {
    String(format: "%.\(decimals)f", abs(value) < step * 1e-6 ? 0 : value)
  }
}

/// Text escaped for HTML and SVG content and attribute values.
enum Markup {
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }
}
