import HAL
import Units

extension InterlockSettings {
  /// How far above the highest bank voltage the controller may meet (the board's maximum plus
  /// the tolerance above a set-point) the ADC's full scale must reach through the divider: 10 %,
  /// so that a bank a little beyond what the interlock allows still reads as a voltage (and
  /// faults as `bank_voltage`) instead of clipping at the ADC's full scale.
  static let adcHeadroom = 0.10

  /// Reads `interlocks:`; each threshold within a range that still protects the patient.
  /// `maxVoltage` is the board's `limits.max_voltage_v`, when it was valid: the bank divider
  /// must bring it, with the tolerance and the headroom, inside the ADC's full scale.
  static func read(_ value: YAMLValue, maxVoltage: Volts? = nil) -> InterlockSettings? {
    let keys = [
      "bank_divider", "bank_voltage_tolerance", "bled_below_v", "charge_timeout_ms",
      "bank_hold_beats", "relay_settle_ms", "footswitch_disagree_ms", "temperature_pause_c",
      "temperature_fault_c", "temperature_resume_c", "heart_rate_min_bpm", "heart_rate_max_bpm",
      "ectopic_fraction",
    ]
    guard let interlocks = value.mapping(keys: keys) else { return nil }
    var divider = interlocks.required("bank_divider")?.number(in: 1...100_000)
    let tolerance = interlocks.required("bank_voltage_tolerance")?.number(in: 0.005...0.2)
    if let value = divider, let tolerance, let maxVoltage, let child = interlocks["bank_divider"] {
      // The smallest divider that keeps the highest bank the controller may meet, plus the
      // headroom, inside the ADC's full scale; rounded up to 0.1 so that it can be written as is.
      let needed = maxVoltage.value * (1 + tolerance) * (1 + adcHeadroom) / ADS1115.fullScale.value
      let minimum = (needed * 10).rounded(.up) / 10
      if value < needed {
        child.report(
          "the ADC's \(ADS1115.fullScale) full scale times bank_divider must cover limits.max_voltage_v"
            + " (\(formatted(maxVoltage.value)) V) times 1 + interlocks.bank_voltage_tolerance"
            + " (\(formatted(tolerance))) with \(Int(adcHeadroom * 100)) % to spare, or a bank reading clips",
          allowed: ">= \(formatted(minimum))", found: child.written)
        divider = nil
      }
    }
    let bled = interlocks.required("bled_below_v")?.number(in: 1...100)
    let chargeTimeout = interlocks.required("charge_timeout_ms")?.integer(in: 100...30_000)
    let holdBeats = interlocks.required("bank_hold_beats")?.integer(in: 1...20)
    let relaySettle = interlocks.required("relay_settle_ms")?.integer(in: 1...100)
    let disagree = interlocks.required("footswitch_disagree_ms")?.integer(in: 10...500)
    let pause = interlocks.required("temperature_pause_c")?.number(in: 30...100)
    var fault = interlocks.required("temperature_fault_c")?.number(in: 30...120)
    if let pause, let value = fault, pause >= value, let child = interlocks["temperature_fault_c"] {
      child.report(
        "must be above temperature_pause_c", allowed: "> \(formatted(pause))", found: child.written)
      fault = nil
    }
    // Optional: a temperature pause ends below this; 5 °C under the pause threshold by default.
    var resume = interlocks["temperature_resume_c"]?.number(in: 20...100)
    if let pause, let value = resume, value >= pause, let child = interlocks["temperature_resume_c"] {
      child.report(
        "must be below temperature_pause_c", allowed: "< \(formatted(pause))", found: child.written)
      resume = nil
    }
    let resumeInvalid = interlocks.has("temperature_resume_c") && resume == nil
    let rateMin = interlocks.required("heart_rate_min_bpm")?.number(in: 20...120)
    var rateMax = interlocks.required("heart_rate_max_bpm")?.number(in: 60...250)
    if let rateMin, let value = rateMax, rateMin >= value, let child = interlocks["heart_rate_max_bpm"] {
      child.report(
        "must be above heart_rate_min_bpm", allowed: "> \(formatted(rateMin))", found: child.written)
      rateMax = nil
    }
    let ectopic = interlocks.required("ectopic_fraction")?.number(in: 0.05...0.5)
    guard let divider, let tolerance, let bled, let chargeTimeout, let holdBeats, let relaySettle,
      let disagree, let pause, let fault, let rateMin, let rateMax, let ectopic, !resumeInvalid
    else { return nil }
    return InterlockSettings(
      bankDivider: divider, bankVoltageTolerance: tolerance, bledBelow: Volts(bled),
      chargeTimeout: Milliseconds(chargeTimeout), bankHoldBeats: holdBeats,
      relaySettle: Milliseconds(relaySettle), footswitchDisagree: Milliseconds(disagree),
      temperaturePause: Celsius(pause), temperatureResume: resume.map(Celsius.init),
      temperatureFault: Celsius(fault), heartRate: rateMin...rateMax,
      ectopicFraction: ectopic)
  }
}
