import Units

/// What the planner needs to know about a tissue, each number with where it comes from.
public struct TissueProperties: Sendable, Equatable {
  public var name: String
  /// Conductivity at low field, body temperature (the static model's σ).
  public var baseConductivity: SiemensPerMetre
  /// σ(E) as pores open (the dynamic model).
  public var ramp: ConductivityRamp
  /// Fractional rise of conductivity per °C. Kept with the tissue for the delivered-zone fit; the
  /// field model of this version leaves heating out (PLANNING.md: confined to the needles).
  public var temperatureCoefficient: Double
  /// The irreversible-electroporation threshold for a full (about 90-pulse) protocol.
  public var threshold: VoltsPerCentimetre
  public var sources: Sources

  /// The source of each number, as text (author, journal, year; or "as quoted").
  public struct Sources: Sendable, Equatable {
    public var baseConductivity: String
    public var ramp: String
    public var temperatureCoefficient: String
    public var threshold: String
    public init(baseConductivity: String, ramp: String, temperatureCoefficient: String, threshold: String) {
      self.baseConductivity = baseConductivity
      self.ramp = ramp
      self.temperatureCoefficient = temperatureCoefficient
      self.threshold = threshold
    }
  }

  public init(
    name: String, baseConductivity: SiemensPerMetre, ramp: ConductivityRamp, temperatureCoefficient: Double,
    threshold: VoltsPerCentimetre, sources: Sources
  ) {
    self.name = name
    self.baseConductivity = baseConductivity
    self.ramp = ramp
    self.temperatureCoefficient = temperatureCoefficient
    self.threshold = threshold
    self.sources = sources
  }

  /// The conductivity model of this tissue: its σ(E) ramp, or its base conductivity throughout.
  public func conductivity(dynamic: Bool) -> ConductivityModel {
    dynamic ? .fieldDependent(ramp) : .uniform(baseConductivity)
  }
}
