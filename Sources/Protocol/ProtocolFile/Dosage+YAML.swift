import Units

extension CurrentLimits {
  /// Reads `limits:`: never above what the board can carry.
  static func read(_ value: YAMLValue, board: BoardDescription) -> CurrentLimits? {
    let keys = ["max_current_a", "max_current_jump_a", "min_current_a"]
    guard let limits = value.mapping(keys: keys) else { return nil }
    let boardMax = board.limits.maxCurrent.value
    let maximum = limits.required("max_current_a")?.number(above: 0, upTo: boardMax)
    let jump = limits.required("max_current_jump_a")?.number(above: 0, upTo: boardMax)
    var minimum = limits.required("min_current_a")?.number(in: 0...boardMax)
    if let maximum, let value = minimum, value >= maximum, let child = limits["min_current_a"] {
      child.report(
        "must be below limits.max_current_a", allowed: "< \(formatted(maximum))",
        found: child.written)
      minimum = nil
    }
    guard let maximum, let jump, let minimum else { return nil }
    return CurrentLimits(
      maxCurrent: Amperes(maximum), maxCurrentJump: Amperes(jump), minCurrent: Amperes(minimum))
  }
}

extension TestPulses {
  /// Reads `test:`; the current range is required exactly when there are test pulses, and must
  /// satisfy `min < max <= limits.max_current_a`.
  static func read(_ value: YAMLValue, maxCurrent: Double?) -> TestPulses? {
    guard let test = value.mapping(keys: ["pulses", "current_a"]) else { return nil }
    guard let pulses = test.required("pulses")?.integer(in: 0...20) else { return nil }
    guard pulses > 0 else {
      if test.has("current_a") { test.reject("current_a", "only when test.pulses > 0") }
      return test.has("current_a") ? nil : TestPulses(pulses: 0, currentRange: nil)
    }
    guard let range = test.required("current_a")?.mapping(keys: ["min", "max"]) else { return nil }
    var minimum = range.required("min")?.number(in: 0...1000)
    var maximum = range.required("max")?.number
    if let value = maximum, let maxCurrent, value > maxCurrent, let child = range["max"] {
      child.report(
        "must not exceed limits.max_current_a", allowed: "<= \(formatted(maxCurrent))",
        found: child.written)
      maximum = nil
    }
    if let low = minimum, let high = maximum, low >= high, let child = range["min"] {
      child.report(
        "must be below test.current_a.max", allowed: "< \(formatted(high))", found: child.written)
      minimum = nil
    }
    guard let minimum, let maximum else { return nil }
    return TestPulses(pulses: pulses, currentRange: Amperes(minimum)...Amperes(maximum))
  }
}

extension Therapy {
  /// Reads `therapy:`; the last set may be shorter than `set_size`.
  static func read(_ value: YAMLValue) -> Therapy? {
    guard let therapy = value.mapping(keys: ["pulses", "set_size", "polarity"]) else { return nil }
    let pulses = therapy.required("pulses")?.integer(in: 1...200)
    let setSize = therapy.required("set_size")?.integer(in: 1...(pulses ?? 200))
    let polarity = therapy.required("polarity")?.choice(PolarityScheme.self)
    guard let pulses, let setSize, let polarity else { return nil }
    return Therapy(pulses: pulses, setSize: setSize, polarity: polarity)
  }
}
