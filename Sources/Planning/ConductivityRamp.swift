import Units

/// Conductivity that rises with the field as pores open: `low` below `fieldLow`, `high` above
/// `fieldHigh`, linear in between (the piecewise-linear σ(E) of treatment-planning codes,
/// PLANNING.md "Parameters").
public struct ConductivityRamp: Sendable, Hashable {
  public var low: SiemensPerMetre
  public var high: SiemensPerMetre
  public var fieldLow: VoltsPerCentimetre
  public var fieldHigh: VoltsPerCentimetre

  public init(
    low: SiemensPerMetre, high: SiemensPerMetre, fieldLow: VoltsPerCentimetre, fieldHigh: VoltsPerCentimetre
  ) {
    self.low = low
    self.high = high
    self.fieldLow = fieldLow
    self.fieldHigh = fieldHigh
  }

  public func conductivity(at field: VoltsPerCentimetre) -> SiemensPerMetre {
    SiemensPerMetre(value(atVoltsPerMillimetre: field.value / 10))
  }

  /// The same ramp with another high-field conductivity (what a fit to a measured current
  /// changes: the ramp's shape, not its scale).
  public func withHigh(_ high: SiemensPerMetre) -> ConductivityRamp {
    ConductivityRamp(low: low, high: high, fieldLow: fieldLow, fieldHigh: fieldHigh)
  }

  /// σ in S/m at a field given in V/mm, the solver's unit.
  @inline(__always)
  func value(atVoltsPerMillimetre field: Double) -> Double {
    let start = fieldLow.value / 10
    let end = fieldHigh.value / 10
    if field <= start { return low.value }
    if field >= end { return high.value }
    return low.value + (high.value - low.value) * (field - start) / (end - start)
  }
}
