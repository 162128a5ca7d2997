import Units

extension BoardLimits {
  /// Reads `limits:`: what the hardware can do, which no protocol may exceed.
  static func read(_ value: YAMLValue) -> BoardLimits? {
    let keys = [
      "max_voltage_v", "max_current_a", "max_pulse_rate_hz", "max_pulses_per_pair",
      "max_pulses_per_treatment",
    ]
    guard let limits = value.mapping(keys: keys) else { return nil }
    let voltage = limits.required("max_voltage_v")?.number(in: 100...3000)
    let current = limits.required("max_current_a")?.number(in: 1...50)
    let rate = limits.required("max_pulse_rate_hz")?.number(in: 0.1...10)
    let perPair = limits.required("max_pulses_per_pair")?.integer(atLeast: 1)
    let perTreatment = limits.required("max_pulses_per_treatment")?.integer(atLeast: 1)
    if let perPair, let perTreatment, perTreatment < perPair, let child = limits["max_pulses_per_treatment"] {
      child.report(
        "must be at least max_pulses_per_pair", allowed: ">= \(perPair)", found: child.written)
      return nil
    }
    guard let voltage, let current, let rate, let perPair, let perTreatment else { return nil }
    return BoardLimits(
      maxVoltage: Volts(voltage), maxCurrent: Amperes(current), maxPulseRate: Hertz(rate),
      maxPulsesPerPair: perPair, maxPulsesPerTreatment: perTreatment)
  }
}
