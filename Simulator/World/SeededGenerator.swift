/// A small deterministic random source (SplitMix64), so that a simulation is a function of its
/// seed alone: the same seed gives the same heart, the same tissue noise, the same relay timing,
/// on every machine and every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

  /// Standard normal (Box–Muller), for variability and noise.
  public mutating func gaussian() -> Double {
    let u1 = max(unit(), 1e-300)
    let u2 = unit()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// A derived generator for one part of the world, so that adding draws in one part does not
  /// shift every other part's sequence.
  public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
