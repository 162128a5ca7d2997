import Units

/// The field of one pair, as solved: what the zone, the current and a later re-solve need.
///
/// The arrays hold one value per grid node of the plan (single precision: the field is known to
/// far less than that). A solution can seed the solve of the same pair at another voltage or
/// with another conductivity ramp (`TreatmentPlanner.resolve`), and with a uniform
/// conductivity it scales exactly with the voltage (`scaled(to:)`).
public struct PairSolution: Sendable {
  public var pair: NeedlePair
  public var conductivity: ConductivityModel
  /// Potential (V) at each node; needles at their own potential.
  public var potential: [Float]
  /// |E| (V/mm) at each node; inside a needle, the strongest field at its surface.
  public var field: [Float]
  /// σ (S/m) at each node at the end of the pulses.
  public var sigma: [Float]
  /// The current into the anode, over the whole exposure (both halves).
  public var current: Amperes
  /// The current out of the cathode: equal to `current` up to the solver's tolerance.
  public var cathodeCurrent: Amperes
  /// The potential each floating needle took, by needle id.
  public var floatingPotentials: [Int: Volts]
  public var statistics: SolveStatistics

  /// The same pair at another voltage: exact for a uniform conductivity, where the field is
  /// linear in the voltage; `nil` for a field-dependent one, which must be solved again.
  public func scaled(to voltage: Volts) -> PairSolution? {
    guard case .uniform = conductivity else { return nil }
    let factor = voltage.value / pair.voltage.value
    var copy = self
    copy.pair.voltage = voltage
    copy.potential = potential.map { $0 * Float(factor) }
    copy.field = field.map { $0 * Float(factor) }
    copy.current = current * factor
    copy.cathodeCurrent = cathodeCurrent * factor
    copy.floatingPotentials = floatingPotentials.mapValues { $0 * factor }
    return copy
  }
}

/// What a pair's solve cost.
public struct SolveStatistics: Sendable, Equatable {
  /// Linear solves, one per conductivity field (1 with a uniform conductivity).
  public var solves: Int = 0
  /// Conjugate-gradient iterations over all of them.
  public var iterations: Int = 0
  /// The largest relative rise of σ at the last update (0 with a uniform conductivity).
  public var lastConductivityChange: Double = 0
  /// Whether σ settled within the update limit.
  public var converged: Bool = true
  /// Wall time of the pair's solves (assembly, cycles, iterations and field), without the grid's
  /// construction or the zone's measurement.
  public var seconds: Double = 0
  public init() {}
}
