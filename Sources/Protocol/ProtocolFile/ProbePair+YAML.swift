import Foundation
import Units

extension ProbePair {
  static let countRange = 1...15
  static let spacingRange = 5.0...30.0
  static let minimumVoltage = 100.0

  /// Reads `pairs:` and resolves each pair against the probes: spacing from the positions,
  /// voltage as given or field × spacing, exposure the shorter of the two.
  ///
  /// `probes` must be the complete, valid probe list, and `field` the valid field, or `nil` when
  /// those sections had errors: the pairs are then only checked for their own shape.
  static func readList(
    _ value: YAMLValue, probes: [Probe]?, field: VoltsPerCentimetre?, board: BoardDescription
  ) -> [ProbePair]? {
    guard let entries = value.list else { return nil }
    var valid = true
    if !countRange.contains(entries.count) {
      value.report(
        "1 to 15 pairs are needed", allowed: "1..15 pairs",
        found: entries.count == 1 ? "1 pair" : "\(entries.count) pairs")
      valid = false
      // More than a protocol may deliver: the entries are not read one by one.
      if entries.count > countRange.upperBound { return nil }
    }
    var pairs: [ProbePair] = []
    var firstIndex: [[Int]: Int] = [:]
    for (index, entry) in entries.enumerated() {
      guard let (anode, cathode, voltage) = readEntry(entry, probes: probes) else {
        valid = false
        continue
      }
      if let first = firstIndex[[anode, cathode]] {
        entry.report("pair listed twice (first at pairs[\(first)])", found: "\(anode)–\(cathode)")
        valid = false
        continue
      }
      firstIndex[[anode, cathode]] = index
      guard let probes, let field,
        let pair = resolve(entry, anode, cathode, voltage, probes: probes, field: field, board: board)
      else {
        valid = false
        continue
      }
      pairs.append(pair)
    }
    return valid ? pairs : nil
  }

  /// `[anode, cathode]` or `{ anode, cathode, voltage_v? }`, two different existing probes.
  private static func readEntry(
    _ entry: YAMLValue, probes: [Probe]?
  ) -> (anode: Int, cathode: Int, voltage: YAMLValue?)? {
    var anodeValue: YAMLValue?
    var cathodeValue: YAMLValue?
    var voltage: YAMLValue?
    switch entry.node {
    case .sequence:
      guard let items = entry.list else { return nil }
      guard items.count == 2 else {
        entry.report(
          "a pair is [anode, cathode]", allowed: "[anode, cathode] or { anode, cathode, voltage_v }",
          found: "\(items.count) items")
        return nil
      }
      (anodeValue, cathodeValue) = (items[0], items[1])
    default:
      guard let pair = entry.mapping(keys: ["anode", "cathode", "voltage_v"]) else { return nil }
      (anodeValue, cathodeValue) = (pair.required("anode"), pair.required("cathode"))
      voltage = pair["voltage_v"]
    }
    let ids = probes.map { $0.map(\.id).sorted() }
    let anode = anodeValue.flatMap { probeID($0, ids: ids) }
    let cathode = cathodeValue.flatMap { probeID($0, ids: ids) }
    guard let anode, let cathode else { return nil }
    guard anode != cathode else {
      entry.report("anode and cathode must be different probes", found: "\(anode)–\(cathode)")
      return nil
    }
    return (anode, cathode, voltage)
  }

  private static func probeID(_ value: YAMLValue, ids: [Int]?) -> Int? {
    guard let id = value.integer(in: Probe.idRange) else { return nil }
    if let ids, !ids.contains(id) {
      value.report(
        "no probe with this id", allowed: ids.map(String.init).joined(separator: ", "),
        found: value.written)
      return nil
    }
    return id
  }

  private static func resolve(
    _ entry: YAMLValue, _ anode: Int, _ cathode: Int, _ voltageValue: YAMLValue?, probes: [Probe],
    field: VoltsPerCentimetre, board: BoardDescription
  ) -> ProbePair? {
    guard let a = probes.first(where: { $0.id == anode }),
      let c = probes.first(where: { $0.id == cathode })
    else { return nil }
    let label = "\(anode)–\(cathode)"
    let spacing = Millimetres(hypot(a.x.value - c.x.value, a.y.value - c.y.value))
    guard spacingRange.contains(spacing.value) else {
      entry.report(
        "probe spacing of pair \(label) out of range", allowed: "5..30 mm",
        found: "\(oneDecimal(spacing.value)) mm")
      return nil
    }
    let maximum = board.limits.maxVoltage.value
    let allowed = "\(formatted(minimumVoltage))..\(formatted(maximum)) V"
    let voltage: Volts
    if let voltageValue {
      guard let given = voltageValue.number else { return nil }
      guard (minimumVoltage...maximum).contains(given) else {
        voltageValue.report(
          "voltage of pair \(label) out of range", allowed: allowed, found: "\(formatted(given)) V")
        return nil
      }
      voltage = Volts(given)
    } else {
      voltage = field.across(spacing)
      guard (minimumVoltage...maximum).contains(voltage.value) else {
        entry.report(
          "voltage of pair \(label) (\(formatted(field.value)) V/cm × \(oneDecimal(spacing.value)) mm) "
            + "out of range: set voltage_v or change the field",
          allowed: allowed, found: "\(Int(voltage.value.rounded())) V")
        return nil
      }
    }
    return ProbePair(
      anode: anode, cathode: cathode, spacing: spacing, exposure: Swift.min(a.exposure, c.exposure),
      voltage: voltage)
  }

  private static func oneDecimal(_ value: Double) -> String { String(format: "%.1f", value) }
}
