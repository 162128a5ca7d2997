import Protocol
import Units

/// The tissue between two needles, pulse after pulse (DOMAIN.md, "Tissue, for the simulator").
///
/// Current follows the two-parallel-needle formula I = V·π·σ·L / arccosh(D / 2a), times a
/// calibration factor for what the 2-D formula leaves out. Conductivity σ is piecewise-linear in
/// the field (pores open), rises as cells are permeabilised over the train (the Peleg–Fermi
/// survival curve of DOMAIN.md gives the fraction), and rises with the temperature next to the
/// needles, which each pulse heats and which cools in between. That is why the current of a
/// pair rises over its train, as it does in the clinic.
public struct Tissue {
  public let settings: TissueSettings
  private var random: SeededGenerator
  /// Per pair (unordered probes): pulses so far, and temperature rise at the last pulse.
  private var pairs: [PairKey: PairState] = [:]

  struct PairKey: Hashable {
    var low: Int
    var high: Int
    init(_ a: Int, _ b: Int) { (low, high) = (min(a, b), max(a, b)) }
  }
  struct PairState {
    var pulses = 0
    var heating = Celsius(0)
    var lastPulse: Instant?
  }

  public init(settings: TissueSettings, random: SeededGenerator) {
    self.settings = settings
    self.random = random
    pairs.reserveCapacity(15)  // every pair a protocol may have: no allocation mid-treatment
  }

  /// Conductivity before any pulse at this field.
  public func baseConductivity(at field: VoltsPerCentimetre) -> SiemensPerMetre {
    let s = settings
    if field <= s.fieldLow { return s.sigmaLow }
    if field >= s.fieldHigh { return s.sigmaHigh }
    let fraction = (field - s.fieldLow).value / (s.fieldHigh - s.fieldLow).value
    return s.sigmaLow + (s.sigmaHigh - s.sigmaLow) * fraction
  }

  /// Peleg–Fermi survival after `n` pulses at `field` (DOMAIN.md): the fraction of cells alive.
  public static func survival(field: VoltsPerCentimetre, pulses n: Int) -> Double {
    let critical = 3996 * exp(-0.03 * Double(n))
    let spread = 1441 * exp(-0.06 * Double(n))
    return 1 / (1 + exp((field.value - critical) / spread))
  }

  /// The peak current of one pulse of `voltage` between probes `a` and `b`, then the tissue's
  /// response to it (more permeabilised, warmer).
  public mutating func pulse(
    _ voltage: Volts, between a: Int, _ b: Int, spacing: Millimetres, exposure: Millimetres,
    at instant: Instant
  ) -> Amperes {
    let key = PairKey(a, b)
    var state = pairs[key] ?? PairState()
    if let last = state.lastPulse {
      let cooled = exp(-(instant - last).milliseconds / Double(settings.coolingTimeConstant.value))
      state.heating = state.heating * cooled
    }
    let field = voltage.field(across: spacing)
    let permeabilised = 1 - Tissue.survival(field: field, pulses: state.pulses + 1)
    let sigma =
      baseConductivity(at: field).value * (1 + settings.permeabilisationGain * permeabilised)
      * (1 + settings.temperatureCoefficient * state.heating.value)
    let geometry = acosh(spacing.value / (2 * settings.needleRadius.value))
    let ideal = voltage.value * Double.pi * sigma * (exposure.value / 1000) / geometry
    let noisy = ideal * settings.calibration * (1 + settings.noise * random.gaussian())
    state.pulses += 1
    state.heating = state.heating + settings.heatingPerPulse * (voltage.value / 2250) * (voltage.value / 2250)
    state.lastPulse = instant
    pairs[key] = state
    return Amperes(max(0, noisy))
  }

  /// Pulses the tissue between `a` and `b` has received.
  public func pulses(between a: Int, _ b: Int) -> Int { pairs[PairKey(a, b)]?.pulses ?? 0 }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
