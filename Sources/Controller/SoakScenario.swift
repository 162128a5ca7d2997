import Foundation

/// What one treatment of a soak (`irectl simulate --repeat N --random-interruptions`) is given
/// besides its seed: at most one injected fault and at most one operator act, at a pulse drawn
/// from the seed, and whether the scripted operator recovers from a fault. The same seed draws
/// the same scenario, so a treatment of a soak can be run again on its own.
public struct SoakScenario: Equatable, Sendable {
  /// `--fault` specs, as the command line takes them.
  public var faults: [String]
  /// `--operator` acts, as the command line takes them.
  public var acts: [String]
  public var resumeAfterFault: Bool

  /// Faults that end or interrupt a treatment at a pulse, each a `--fault` spec without its
  /// moment (every kind that needs no duration).
  static let faultKinds = [
    "estop", "lid-open", "footswitch-release", "arc", "overcurrent", "open-circuit", "relay-stuck",
    "extra-pulse", "missed-pulse", "hv-sag", "overtemp", "hw-fault", "i2c-nak:0x30", "i2c-nak:0x48",
    "sensor-stuck:0x48", "trigger-double", "ectopic",
  ]
  static let actKinds = ["pause", "abort", "acknowledge"]

  /// The scenario of `seed`, its moments among the first `pulses` pulses.
  public static func draw(seed: UInt64, pulses: Int) -> SoakScenario {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x2545_F491_4F6C_DD1D
    func next(_ bound: Int) -> Int {
      // SplitMix64.
      state = state &+ 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      return Int(z % UInt64(max(bound, 1)))
    }
    let span = max(pulses, 1)
    var scenario = SoakScenario(faults: [], acts: [], resumeAfterFault: next(2) == 0)
    if next(4) != 0 {
      scenario.faults.append("\(faultKinds[next(faultKinds.count)])@pulse=\(1 + next(span))")
    }
    if next(3) == 0 {
      scenario.acts.append("\(actKinds[next(actKinds.count)])@pulse=\(1 + next(span))")
    }
    return scenario
  }

  /// The options of `simulate` that give this scenario.
  public var arguments: [String] {
    faults.flatMap { ["--fault", $0] } + acts.flatMap { ["--operator", $0] }
      + (resumeAfterFault ? ["--resume-after-fault"] : [])
  }
}
