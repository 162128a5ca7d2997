import Units

extension Synchronisation {
  static let ecgKeys = ["delay_ms", "window_ms", "min_rr_ms", "max_rr_ms", "pause_after_missed"]

  /// Reads `sync:`: ECG gating with all of its timings, or a fixed rate the board can deliver.
  /// Keys of the other mode are errors rather than silently ignored.
  static func read(_ value: YAMLValue, board: BoardDescription) -> Synchronisation? {
    guard let sync = value.mapping(keys: ["mode"] + ecgKeys + ["fixed_rate"]) else { return nil }
    switch sync.required("mode")?.choice(Mode.self) {
    case .ecg:
      if sync.has("fixed_rate") { sync.reject("fixed_rate", "only with mode: fixed_rate") }
      let gating = readECG(sync, board: board)
      return sync.has("fixed_rate") ? nil : gating.map { .ecg($0) }
    case .fixedRate:
      let stray = ecgKeys.filter { sync.has($0) }
      for key in stray { sync.reject(key, "only with mode: ecg") }
      let rate = sync.required("fixed_rate").flatMap { readRate($0, board: board) }
      return stray.isEmpty ? rate.map { .fixedRate($0) } : nil
    case nil:
      return nil
    }
  }

  enum Mode: String, CaseIterable {
    case ecg
    case fixedRate = "fixed_rate"
  }

  private static func readECG(_ sync: YAMLMapping, board: BoardDescription) -> ECGGating? {
    let delay = sync.required("delay_ms")?.integer(in: 0...700)
    let window = sync.required("window_ms")?.integer(in: 1...100)
    let fastest = Swift.min(3000, Int((1000 / board.limits.maxPulseRate.value).rounded(.up)))
    var minRR = sync.required("min_rr_ms")?.integer(in: fastest...3000)
    var maxRR = sync.required("max_rr_ms")?.integer(in: 1...3000)
    let pause = sync.required("pause_after_missed")?.integer(in: 1...20)
    if let delay, let window, let min = minRR, delay + window >= min, let child = sync["min_rr_ms"] {
      child.report(
        "must be longer than delay_ms + window_ms, so a pulse never lands near the next beat",
        allowed: "> \(delay + window)", found: child.written)
      minRR = nil
    }
    if let min = minRR, let max = maxRR, max <= min, let child = sync["max_rr_ms"] {
      child.report("must be longer than min_rr_ms", allowed: "> \(min)", found: child.written)
      maxRR = nil
    }
    guard let delay, let window, let minRR, let maxRR, let pause else { return nil }
    return ECGGating(
      delay: Milliseconds(delay), window: Milliseconds(window), minRR: Milliseconds(minRR),
      maxRR: Milliseconds(maxRR), pauseAfterMissed: pause)
  }

  private static func readRate(_ value: YAMLValue, board: BoardDescription) -> Hertz? {
    guard let fixed = value.mapping(keys: ["rate_hz"]),
      let rateValue = fixed.required("rate_hz"), let rate = rateValue.number(in: 0.5...10)
    else { return nil }
    guard rate <= board.limits.maxPulseRate.value else {
      rateValue.report(
        "above the board's maximum pulse rate",
        allowed: "<= \(formatted(board.limits.maxPulseRate.value))", found: rateValue.written)
      return nil
    }
    return Hertz(rate)
  }
}
