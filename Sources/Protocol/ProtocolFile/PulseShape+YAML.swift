import HAL
import Units

extension PulseShape {
  /// Reads `pulse:`. The width is set on the pulse board, which accepts 10 µs steps; a train's
  /// period must leave room for its pulse and fit the supervisor's train-period register
  /// (200 µs up to its 16-bit maximum, 65535 µs), so that a protocol the validator accepts is
  /// never refused by the board at start-up.
  static func read(_ value: YAMLValue) -> PulseShape? {
    guard let pulse = value.mapping(keys: ["width_us", "field_v_per_cm", "train"]) else { return nil }
    let width = pulse.required("width_us")?.integer(in: 20...100, step: 10)
    let field = pulse.required("field_v_per_cm")?.number(in: 100...3000)
    let train = pulse.required("train").flatMap { readTrain($0, width: width) }
    guard let width, let field, let train else { return nil }
    return PulseShape(width: Microseconds(width), field: VoltsPerCentimetre(field), train: train)
  }

  /// What register 0x08 (TRAIN_PERIOD) of the supervisor takes, in µs.
  static let trainPeriodRange = Supervisor.minimumTrainPeriod.value...Int(UInt16.max)

  private static func readTrain(_ value: YAMLValue, width: Int?) -> PulseTrain? {
    guard let train = value.mapping(keys: ["pulses", "period_us"]) else { return nil }
    guard let pulses = train.required("pulses")?.integer(in: 1...100) else { return nil }
    guard pulses > 1 else {
      if train.has("period_us") { train.reject("period_us", "only when train.pulses > 1") }
      return train.has("period_us") ? nil : PulseTrain(pulses: 1, period: nil)
    }
    guard let periodValue = train.required("period_us"),
      let period = periodValue.integer(in: trainPeriodRange)
    else { return nil }
    if let width, period <= width {
      periodValue.report(
        "a train's pulse must fit its period", allowed: "> width_us (\(width))",
        found: periodValue.written)
      return nil
    }
    return PulseTrain(pulses: pulses, period: Microseconds(period))
  }
}
