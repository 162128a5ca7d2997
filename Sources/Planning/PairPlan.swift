import Units

/// What the plan says about one pair.
public struct PairPlan: Sendable {
  public var pair: NeedlePair
  /// Centre-to-centre distance of the two needles.
  public var spacing: Millimetres
  /// |E| halfway between the needles, in the plane z = 0.
  public var midpointField: VoltsPerCentimetre
  /// The weakest |E| on the straight line between the two needles' surfaces, in the plane z = 0:
  /// below the threshold, the pair's lesion is not confluent.
  public var weakestFieldBetween: VoltsPerCentimetre
  /// The pair's own zone (its field alone at or above the threshold).
  public var zone: PairZone
  /// The current of the pair's pulses (the flux of σE through the anode's surface).
  public var current: Amperes
  /// The solved field, potential and conductivity, for a later re-solve.
  public var solution: PairSolution
}

/// The size of one pair's zone: `along` the line from anode to cathode and `across` it (the
/// widest extent perpendicular to it), both in the plane z = 0; `height` along the needles.
public struct PairZone: Sendable, Equatable {
  public var along: Millimetres
  public var across: Millimetres
  public var height: Millimetres
  public init(along: Millimetres, across: Millimetres, height: Millimetres) {
    self.along = along
    self.across = across
    self.height = height
  }
}

/// The whole protocol's zone: where the strongest field of any pair reaches the threshold.
public struct ZoneSummary: Sendable, Equatable {
  /// The zone's extent along x, y and z (z: both halves).
  public var extentX: Millimetres
  public var extentY: Millimetres
  public var extentZ: Millimetres
  /// The zone's volume in millilitres (cm³).
  public var volume: Double
  /// The zone reaches the grid's outer boundary: its extents there are cut off.
  public var reachesGridBoundary: Bool
}

/// How much of a target the zone covers.
public struct TargetCoverage: Sendable, Equatable {
  /// The fraction of the target's volume inside the zone, 0...1.
  public var fraction: Double
  /// The smallest distance between the target's surface and the zone's edge: positive when the
  /// target lies inside the zone, negative by as much as the target sticks out.
  public var margin: Millimetres
}

/// Something the physician should know before treating with this protocol.
public enum PlanWarning: Sendable, Equatable, CustomStringConvertible {
  /// The pair's field falls below the threshold between its needles: its lesion is split.
  case noConfluentLesion(pair: String, weakest: VoltsPerCentimetre, threshold: VoltsPerCentimetre)
  /// Part of the target lies outside the zone.
  case targetNotCovered(coverage: Double, margin: Millimetres)
  /// The zone reaches the edge of the grid: widen the margins.
  case zoneReachesGridBoundary
  /// σ(E) did not settle within the update limit for this pair.
  case conductivityDidNotSettle(pair: String)

  public var description: String {
    switch self {
    case .noConfluentLesion(let pair, let weakest, let threshold):
      "pair \(pair): the field between the needles falls to \(Int(weakest.value.rounded())) V/cm, below the"
        + " threshold of \(Int(threshold.value.rounded())) V/cm: no confluent lesion between them"
    case .targetNotCovered(let coverage, let margin):
      "the target is not covered: \(oneDecimal(coverage * 100)) % of its volume inside the zone, sticking out"
        + " by up to \(oneDecimal(-margin.value)) mm"
    case .zoneReachesGridBoundary:
      "the zone reaches the edge of the planning grid: its extents and volume are cut off there"
    case .conductivityDidNotSettle(let pair):
      "pair \(pair): the tissue's conductivity did not settle; the zone may be underestimated"
    }
  }
}

/// One decimal, for the text of a warning.
func oneDecimal(_ value: Double) -> String {
  let tenths = (value * 10).rounded()
  let sign = tenths < 0 ? "-" : ""
  let magnitude = Int(Swift.abs(tenths))
  return "\(sign)\(magnitude / 10).\(magnitude % 10)"
}
