import Foundation
import Planning
import Units

/// `irectl plan --json`: one object, its keys fixed by the command's documentation. Lengths in
/// mm to 0.1, fields in V/cm to 1, currents in A to 0.1, volumes in ml to 0.01.
public struct PlanReport: Codable, Equatable, Sendable {
  public var tissue: String
  public var conductivity: String
  public var thresholdVPerCm: Double
  public var resolutionMm: Double
  public var solveMs: Int
  public var pairs: [Pair]
  public var zone: Zone
  /// With a target only.
  public var coveragePct: Double?
  public var marginMm: Double?
  public var warnings: [String]

  public struct Pair: Codable, Equatable, Sendable {
    public var anode: Int
    public var cathode: Int
    public var voltageV: Double
    public var midpointFieldVPerCm: Double
    public var zoneMm: PairSize
    public var currentA: Double

    enum CodingKeys: String, CodingKey {
      case anode, cathode
      case voltageV = "voltage_v"
      case midpointFieldVPerCm = "midpoint_field_v_per_cm"
      case zoneMm = "zone_mm"
      case currentA = "current_a"
    }
  }

  public struct PairSize: Codable, Equatable, Sendable {
    public var along: Double
    public var across: Double
    public var height: Double
  }

  public struct Zone: Codable, Equatable, Sendable {
    public var extentMm: Extent
    public var volumeMl: Double

    enum CodingKeys: String, CodingKey {
      case extentMm = "extent_mm"
      case volumeMl = "volume_ml"
    }
  }

  public struct Extent: Codable, Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var z: Double
  }

  enum CodingKeys: String, CodingKey {
    case tissue, conductivity, pairs, zone, warnings
    case thresholdVPerCm = "threshold_v_per_cm"
    case resolutionMm = "resolution_mm"
    case solveMs = "solve_ms"
    case coveragePct = "coverage_pct"
    case marginMm = "margin_mm"
  }

  public init(_ outcome: ProtocolPlanning.Outcome) {
    let plan = outcome.plan
    tissue = outcome.tissue.name
    conductivity =
      switch plan.conductivity {
      case .uniform: "static"
      case .fieldDependent: "dynamic"
      }
    thresholdVPerCm = Self.rounded(plan.threshold.value, 1)
    resolutionMm = outcome.resolution.value
    solveMs = Int((plan.solveTime / .milliseconds(1)).rounded())
    pairs = plan.pairs.map { pair in
      Pair(
        anode: pair.pair.anode, cathode: pair.pair.cathode,
        voltageV: Self.rounded(pair.pair.voltage.value, 1),
        midpointFieldVPerCm: Self.rounded(pair.midpointField.value, 1),
        zoneMm: PairSize(
          along: Self.rounded(pair.zone.along.value, 0.1), across: Self.rounded(pair.zone.across.value, 0.1),
          height: Self.rounded(pair.zone.height.value, 0.1)),
        currentA: Self.rounded(pair.current.value, 0.1))
    }
    zone = Zone(
      extentMm: Extent(
        x: Self.rounded(plan.zone.extentX.value, 0.1), y: Self.rounded(plan.zone.extentY.value, 0.1),
        z: Self.rounded(plan.zone.extentZ.value, 0.1)),
      volumeMl: Self.rounded(plan.zone.volume, 0.01))
    coveragePct = plan.coverage.map { Self.rounded($0.fraction * 100, 0.1) }
    marginMm = plan.coverage.map { Self.rounded($0.margin.value, 0.1) }
    warnings = plan.warnings.map(\.description)
  }

  /// To `step` (1, 0.1 or 0.01), divided last so that the JSON shows no binary residue.
  static func rounded(_ value: Double, _ step: Double) -> Double {
    let scale = (1 / step).rounded()
    return (value * scale).rounded() / scale
  }

  /// The object as one line of JSON, keys sorted.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }
}
