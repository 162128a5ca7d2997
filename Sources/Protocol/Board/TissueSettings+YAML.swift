import Units

extension TissueSettings {
  /// Reads `simulator.tissue:` (DOMAIN.md, "Tissue, for the simulator").
  static func read(_ value: YAMLValue) -> TissueSettings? {
    let keys = [
      "sigma_low_s_per_m", "sigma_high_s_per_m", "field_low_v_per_cm", "field_high_v_per_cm",
      "needle_radius_mm", "calibration", "temperature_coefficient_per_c",
      "heating_per_pulse_c", "cooling_time_constant_ms", "noise",
    ]
    guard let tissue = value.mapping(keys: keys) else { return nil }
    let sigmaLow = tissue.required("sigma_low_s_per_m")?.number(in: 0.001...10)
    var sigmaHigh = tissue.required("sigma_high_s_per_m")?.number(in: 0.001...10)
    let fieldLow = tissue.required("field_low_v_per_cm")?.number(in: 0...5000)
    var fieldHigh = tissue.required("field_high_v_per_cm")?.number(in: 0...5000)
    let radius = tissue.required("needle_radius_mm")?.number(in: 0.05...5)
    let calibration = tissue.required("calibration")?.number(in: 0.1...100)
    let coefficient = tissue.required("temperature_coefficient_per_c")?.number(in: 0...0.1)
    let heating = tissue.required("heating_per_pulse_c")?.number(in: 0...10)
    let cooling = tissue.required("cooling_time_constant_ms")?.integer(in: 1...3_600_000)
    let noise = tissue.required("noise")?.number(in: 0...0.5)
    if let low = sigmaLow, let high = sigmaHigh, high < low, let child = tissue["sigma_high_s_per_m"] {
      child.report(
        "must be at least sigma_low_s_per_m", allowed: ">= \(formatted(low))", found: child.written)
      sigmaHigh = nil
    }
    if let low = fieldLow, let high = fieldHigh, high <= low, let child = tissue["field_high_v_per_cm"] {
      child.report(
        "must be above field_low_v_per_cm", allowed: "> \(formatted(low))", found: child.written)
      fieldHigh = nil
    }
    guard let sigmaLow, let sigmaHigh, let fieldLow, let fieldHigh, let radius, let calibration,
      let coefficient, let heating, let cooling, let noise
    else { return nil }
    return TissueSettings(
      sigmaLow: SiemensPerMetre(sigmaLow), sigmaHigh: SiemensPerMetre(sigmaHigh),
      fieldLow: VoltsPerCentimetre(fieldLow), fieldHigh: VoltsPerCentimetre(fieldHigh),
      needleRadius: Millimetres(radius), calibration: calibration,
      temperatureCoefficient: coefficient, heatingPerPulse: Celsius(heating),
      coolingTimeConstant: Milliseconds(cooling), noise: noise)
  }
}
