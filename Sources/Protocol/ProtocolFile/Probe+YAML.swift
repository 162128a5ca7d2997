import Units

extension Probe {
  static let idRange = 1...6
  static let countRange = 2...6

  /// Reads `probes:`: 2 to 6 probes with distinct ids 1...6 (the generator's outputs).
  /// Returns the probes that could be read, and whether the whole list was valid.
  static func readList(_ value: YAMLValue) -> (probes: [Probe], valid: Bool) {
    guard let entries = value.list else { return ([], false) }
    var valid = true
    if !countRange.contains(entries.count) {
      value.report(
        "2 to 6 probes are needed", allowed: "2..6 probes",
        found: entries.count == 1 ? "1 probe" : "\(entries.count) probes")
      valid = false
    }
    var probes: [Probe] = []
    var firstIndex: [Int: Int] = [:]
    for (index, entry) in entries.enumerated() {
      guard let probe = read(entry) else {
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

  static func read(_ value: YAMLValue) -> Probe? {
    guard let probe = value.mapping(keys: ["id", "x_mm", "y_mm", "exposure_mm"]) else { return nil }
    let id = probe.required("id")?.integer(in: idRange)
    let x = probe.required("x_mm")?.number
    let y = probe.required("y_mm")?.number
    let exposure = probe.required("exposure_mm")?.number(in: 5...30, allowed: "5..30 mm")
    guard let id, let x, let y, let exposure else { return nil }
    return Probe(id: id, x: Millimetres(x), y: Millimetres(y), exposure: Millimetres(exposure))
  }
}
