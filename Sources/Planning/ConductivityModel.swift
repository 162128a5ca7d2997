import Units

/// How the tissue conducts during a pair's pulses.
public enum ConductivityModel: Sendable, Equatable {
  /// One conductivity everywhere: the field is then that of the geometry alone (a uniform
  /// conductivity does not move the field of a pair held at a fixed voltage), and the current
  /// scales with it.
  case uniform(SiemensPerMetre)
  /// σ(E), solved sequentially: solve, take |E|, raise σ, solve again until σ settles
  /// (Sel et al., IEEE TBME 2005). σ never decreases over a pair's pulses.
  case fieldDependent(ConductivityRamp)

  /// The conductivity before any pulse.
  var initial: Double {
    switch self {
    case .uniform(let sigma): sigma.value
    case .fieldDependent(let ramp): ramp.low.value
    }
  }
}
