import Units

extension TimingSettings {
  /// Reads `timing:`: how the timing thread is scheduled on this board. `maxPulseRate` (the
  /// board's `limits.max_pulse_rate_hz`) bounds the supervisor's latency: its measurements
  /// must be in before the next fire edge may come.
  static func read(_ value: YAMLValue, maxPulseRate: Hertz?) -> TimingSettings? {
    let keys = [
      "priority", "lock_memory", "require_realtime", "supervisor_latency_us", "fire_check_lead_us", "cpu",
    ]
    guard let timing = value.mapping(keys: keys) else { return nil }
    let priority = timing.required("priority")?.integer(in: 1...99)
    let lock = timing.required("lock_memory")?.boolean
    let require = timing.required("require_realtime")?.boolean
    // Optional: the reference supervisor's 200 µs unless the board says otherwise.
    let latency =
      timing["supervisor_latency_us"].map { $0.integer(in: 10...1_000_000) }
      ?? TimingSettings.defaultSupervisorLatency.value
    // Optional: 5 ms unless the board's bus needs longer for the fire check (selftest says).
    let lead =
      timing["fire_check_lead_us"].map { $0.integer(in: 2_000...40_000) }
      ?? TimingSettings.defaultFireCheckLead.value
    // Optional: the CPU the timing thread is pinned to (whether the machine has it, the
    // thread learns when it starts: a board file is validated anywhere).
    let cpu = timing["cpu"].map { $0.integer(in: 0...1023) }
    if case .some(.none) = cpu { return nil }
    guard let priority, let lock, let require, let latency, let lead else { return nil }
    if let rate = maxPulseRate?.value, rate > 0, Double(latency) >= 1e6 / rate,
      let given = timing["supervisor_latency_us"]
    {
      let interval = Int(1e6 / rate)
      given.report(
        "must be shorter than the shortest interval between fire edges (1 / max_pulse_rate_hz = \(interval) µs)",
        allowed: "10..\(interval - 1)", found: given.written)
      return nil
    }
    return TimingSettings(
      priority: priority, lockMemory: lock, requireRealtime: require,
      supervisorLatency: Microseconds(latency), fireCheckLead: Microseconds(lead), cpu: cpu ?? nil)
  }
}
