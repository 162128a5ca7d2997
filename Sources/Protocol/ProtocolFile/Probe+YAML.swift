import Planning
import Units

extension Probe {
  static let idRange = 1...6
  static let countRange = 2...6

  /// Reads `probes:`: 2 to 6 probes with distinct ids 1...6 (the generator's outputs).
  /// Returns the probes that could be read, and whether the whole list was valid.
  /// `format` 2 allows a `gauge` per probe.
  static func readList(_ value: YAMLValue, format: Int?) -> (probes: [Probe], valid: Bool) {
    guard let entries = value.list else { return ([], false) }
    var valid = true
    if !countRange.contains(entries.count) {
      value.report(
        "2 to 6 probes are needed", allowed: "2..6 probes",
        found: entries.count == 1 ? "1 probe" : "\(entries.count) probes")
      valid = false
      // More than the generator has outputs: the entries are not read one by one.
      if entries.count > countRange.upperBound { return ([], false) }
    }
    var probes: [Probe] = []
    var firstIndex: [Int: Int] = [:]
    for (index, entry) in entries.enumerated() {
      guard let probe = read(entry, format: format) else {
        valid = false
        continue
      }
      if let first = firstIndex[probe.id] {
        entry.report("probe id used twice (first at probes[\(first)])", found: "\(probe.id)")
        valid = false
        continue
      }
      firstIndex[probe.id] = index
      probes.append(probe)
    }
    return (probes, valid)
  }

  static func read(_ value: YAMLValue, format: Int?) -> Probe? {
    guard let probe = value.mapping(keys: ["id", "x_mm", "y_mm", "exposure_mm", "gauge"]) else { return nil }
    let id = probe.required("id")?.integer(in: idRange)
    let x = probe.required("x_mm")?.number
    let y = probe.required("y_mm")?.number
    let exposure = probe.required("exposure_mm")?.number(in: 5...30, allowed: "5..30 mm")
    var gauge: NeedleGauge? = .standard
    if let written = probe["gauge"] {
      gauge = nil
      if format == 1 {
        probe.reject("gauge", "a probe's gauge needs format: 2")
      } else if let number = written.integer {
        gauge = NeedleGauge(number)
        if gauge == nil {
          written.report("unknown gauge", allowed: NeedleGauge.allowedText, found: written.written)
        }
      }
    }
    guard let id, let x, let y, let exposure, let gauge else { return nil }
    return Probe(id: id, x: Millimetres(x), y: Millimetres(y), exposure: Millimetres(exposure), gauge: gauge)
  }
}
