import Planning
import Units

/// Layouts, tissues and the exact two-cylinder field the planning tests share.
enum PlanningFixtures {
  static func needle(_ id: Int, _ x: Double, _ y: Double, exposure: Double, radius: Double = 0.535) -> Needle
  {
    Needle(
      id: id, x: Millimetres(x), y: Millimetres(y), exposure: Millimetres(exposure),
      radius: Millimetres(radius))
  }

  /// Two parallel needles `spacing` apart on the x axis, driven 1 → 2.
  static func twoNeedles(
    spacing: Double = 15, exposure: Double, radius: Double = 0.535, voltage: Double = 2250
  ) throws -> ProbeLayout {
    try ProbeLayout(
      needles: [
        needle(1, 0, 0, exposure: exposure, radius: radius),
        needle(2, spacing, 0, exposure: exposure, radius: radius),
      ],
      pairs: [NeedlePair(anode: 1, cathode: 2, voltage: Volts(voltage))])
  }

  /// The shipped liver-4probe-box: four 19 G needles on a 15 mm square, 15 mm exposed, its six pairs.
  static func box() throws -> ProbeLayout {
    let needles = [
      needle(1, 0, 0, exposure: 15), needle(2, 15, 0, exposure: 15), needle(3, 15, 15, exposure: 15),
      needle(4, 0, 15, exposure: 15),
    ]
    let sides = [(1, 2), (2, 3), (3, 4), (4, 1)].map {
      NeedlePair(anode: $0.0, cathode: $0.1, voltage: Volts(2250))
    }
    let diagonals = [(1, 3), (2, 4)].map { NeedlePair(anode: $0.0, cathode: $0.1, voltage: Volts(2800)) }
    return try ProbeLayout(needles: needles, pairs: sides + diagonals)
  }

  /// PLANNING.md's liver σ(E) ramp (Go-Smart): 0.08 → 0.32 S/m between 350 and 700 V/cm.
  static let liverRamp = ConductivityRamp(
    low: SiemensPerMetre(0.08), high: SiemensPerMetre(0.32), fieldLow: VoltsPerCentimetre(350),
    fieldHigh: VoltsPerCentimetre(700))

  static func options(resolution: Double = 0.5, far: Double? = nil) -> PlanningOptions {
    var options = PlanningOptions()
    options.resolution = Millimetres(resolution)
    if let far { options.farDistance = Millimetres(far) }
    return options
  }
}

/// The exact field of two parallel cylinders of radius a, centres d apart, potential difference
/// V, in a uniform medium (PLANNING.md, "The exact 2-D solution"). Lengths in mm, fields in V/mm.
struct TwoCylinderField {
  let voltage: Double
  let radius: Double
  let spacing: Double

  var b: Double { ((spacing / 2) * (spacing / 2) - radius * radius).squareRoot() }
  var k: Double { acosh(spacing / 2 / radius) }
  /// |E| halfway between the cylinders.
  var midpointField: Double { voltage / (b * k) }
  /// Current per mm of length at conductivity σ (S/m), in A/mm.
  func currentPerLength(sigma: Double) -> Double { Double.pi * sigma * voltage / k / 1000 }
  /// c² of the Cassini oval |E| = threshold.
  func c2(threshold: Double) -> Double { voltage * b / (k * threshold) }
  /// The extent of the zone |E| ≥ threshold along the line through both centres.
  func along(threshold: Double) -> Double { 2 * (b * b + c2(threshold: threshold)).squareRoot() }
  /// Its extent across that line at the midpoint: the waist of the oval.
  func waist(threshold: Double) -> Double { 2 * (c2(threshold: threshold) - b * b).squareRoot() }
  /// Its widest extent across that line: at the midpoint when c² ≥ 2b², else c²/b (waisted).
  func across(threshold: Double) -> Double {
    let c2 = c2(threshold: threshold)
    return c2 >= 2 * b * b ? waist(threshold: threshold) : c2 / b
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
