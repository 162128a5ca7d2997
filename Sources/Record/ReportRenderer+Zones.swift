extension ReportRenderer {
  /// The ablation zone as planned and as delivered, side by side: the zone's volume, extents
  /// and (with a target) coverage and margin, then each pair's own zone at its planned and at
  /// its measured voltage. A pair that did not receive all its therapy pulses is marked, and
  /// its share of the zone is shown as not achieved.
  static func zoneSection(_ data: ReportData) -> String {
    guard let zones = data.zones else {
      return note("Zones not computed: \(data.zonesUnavailable ?? "no plan inputs for this session").")
    }
    var out =
      "<p>Tissue \(e(zones.tissue)), threshold \(f(zones.thresholdVPerCm, 0)) V/cm, computed on a "
      + "\(f(zones.resolutionMm, 1)) mm grid by planner version \(e(zones.plannerVersion)) in "
      + "\(zones.solveMs) ms. Delivered: each pair at the mean peak voltage measured on its therapy "
      + "pulses, with the σ(E) ramp fitted to its current rise where that fit settled (the notes name any "
      + "other); a pair that did not receive all of them "
      + "adds nothing.</p>\n"
    let missing = zones.missingPairs
    let lost = zones.planned.volumeMl - zones.delivered.volumeMl
    if !missing.isEmpty {
      let share = zones.planned.volumeMl > 0 ? 100 * lost / zones.planned.volumeMl : 0
      out +=
        "<p class=\"missing\"><strong>Not achieved:</strong> pair\(missing.count == 1 ? "" : "s") "
        + "\(e(missing.joined(separator: ", "))) did not receive all \(missing.count == 1 ? "its" : "their") "
        + "therapy pulses; \(f(lost, 2)) ml (\(f(share, 0)) %) of the planned zone is not achieved.</p>\n"
    }
    for text in zones.notes { out += note(text) }
    func extent(_ zone: ZoneComparison.Zone) -> String {
      zone.extentMm.map { f($0, 1) }.joined(separator: " × ")
    }
    var rows: [(String, String, String)] = [
      ("Volume (ml)", f(zones.planned.volumeMl, 2), f(zones.delivered.volumeMl, 2)),
      ("Extent x × y × z (mm)", extent(zones.planned), extent(zones.delivered)),
    ]
    if zones.hasTarget {
      rows.append(
        (
          "Target covered (%)", zones.planned.coveragePct.map { f($0, 1) } ?? "—",
          zones.delivered.coveragePct.map { f($0, 1) } ?? "—"
        ))
      rows.append(
        (
          "Margin (mm)", zones.planned.marginMm.map { f($0, 1) } ?? "—",
          zones.delivered.marginMm.map { f($0, 1) } ?? "—"
        ))
    }
    out += "<table class=\"zones\">\n<thead><tr><th></th><th class=\"num\">Planned</th>"
    out += "<th class=\"num\">Delivered</th></tr></thead>\n<tbody>\n"
    for (name, planned, delivered) in rows {
      out += "<tr><th>\(name)</th><td class=\"num\">\(planned)</td><td class=\"num\">\(delivered)</td></tr>\n"
    }
    out += "</tbody>\n</table>\n"
    out += "<table class=\"zones\">\n<thead><tr><th>Pair</th><th class=\"num\">Planned (V)</th>"
    out += "<th class=\"num\">Measured (V)</th><th class=\"num\">Therapy pulses</th>"
    out += "<th class=\"num\">Planned zone (mm)</th><th class=\"num\">Delivered zone (mm)</th>"
    out += "<th class=\"num\">Current rise</th><th class=\"num\">σ high fitted (S/m)</th>"
    out += "</tr></thead>\n<tbody>\n"
    func size(_ size: ZoneComparison.PairSize) -> String {
      "\(f(size.along, 1)) × \(f(size.across, 1)) × \(f(size.height, 1))"
    }
    for pair in zones.pairs {
      let delivered = pair.delivered.map(size) ?? "<strong>not achieved</strong>"
      out += pair.complete ? "<tr>" : "<tr class=\"missing\">"
      out += "<td>\(e(pair.label))</td><td class=\"num\">\(f(pair.plannedVoltageV, 0))</td>"
      out += "<td class=\"num\">\(pair.measuredVoltageV.map { f($0, 0) } ?? "—")</td>"
      out += "<td class=\"num\">\(pair.therapyDelivered)/\(pair.therapyPlanned)</td>"
      out += "<td class=\"num\">\(size(pair.planned))</td><td class=\"num\">\(delivered)</td>"
      out += "<td class=\"num\">\(pair.fit.map { "×" + f($0.measuredRise, 2) } ?? "—")</td>"
      let fitted = pair.fit.map { f($0.highSPerM, 2) + ($0.withinRange ? "" : " (bound)") } ?? "—"
      out += "<td class=\"num\">\(fitted)</td></tr>\n"
    }
    out += "</tbody>\n</table>\n"
    if let svg = zones.planeSVG {
      out += "<figure>\n\(svg)<figcaption>Probe plane (z = 0): the planned zone's edge dashed grey, "
      out += "the delivered zone's solid black, the target dashed green.</figcaption></figure>\n"
    }
    out += note("Pair zones: along the pair × across it in the probe plane × along the needles.")
    if let library = zones.libraryHighSPerM {
      let grid = zones.fitResolutionMm.map { " on a \(f($0, 1)) mm grid" } ?? ""
      out += note(
        "Current rise: the current per volt of the pair's last therapy pulse over that of its first test "
          + "pulse. σ high fitted: the high-field conductivity of the tissue's σ(E) ramp (library: "
          + "\(f(library, 2)) S/m; its low end and fields kept) for which the planner's rise, from the tissue "
          + "before its pores open to σ(E) settled, is the measured one\(grid); it reads high by the heating "
          + "of the train, which it does not separate.")
    }
    return out
  }
}
