import Units

extension SimulatorSettings {
  /// Reads `simulator:`. Every key is required: a simulated world has no hidden defaults, so a
  /// test run says in its board file what it assumed. `relaySettleLimit` is the board's
  /// `interlocks.relay_settle_ms`, which simulated relays must not exceed.
  static func read(_ value: YAMLValue, relaySettleLimit: Milliseconds?) -> SimulatorSettings? {
    let keys = ["heart", "tissue", "charger", "relays", "heat_sink", "wake_latency_max_us"]
    guard let simulator = value.mapping(keys: keys) else { return nil }
    let heart = simulator.required("heart").flatMap(HeartSettings.read)
    let tissue = simulator.required("tissue").flatMap(TissueSettings.read)
    let charger = simulator.required("charger").flatMap(ChargerSettings.read)
    let relays = simulator.required("relays").flatMap {
      RelaySettings.read($0, limit: relaySettleLimit)
    }
    let heatSink = simulator.required("heat_sink").flatMap(HeatSinkSettings.read)
    let wake = simulator.required("wake_latency_max_us")?.integer(in: 0...100_000)
    guard let heart, let tissue, let charger, let relays, let heatSink, let wake else { return nil }
    return SimulatorSettings(
      heart: heart, tissue: tissue, charger: charger, relays: relays, heatSink: heatSink,
      wakeLatencyMax: Microseconds(wake))
  }
}

extension HeartSettings {
  static func read(_ value: YAMLValue) -> HeartSettings? {
    let keys = ["rate_bpm", "variability", "trigger_latency_ms", "trigger_pulse_ms"]
    guard let heart = value.mapping(keys: keys) else { return nil }
    let rate = heart.required("rate_bpm")?.number(in: 20...250)
    let variability = heart.required("variability")?.number(in: 0...0.5)
    let latency = heart.required("trigger_latency_ms")?.integer(in: 0...100)
    let pulse = heart.required("trigger_pulse_ms")?.integer(in: 1...200)
    guard let rate, let variability, let latency, let pulse else { return nil }
    return HeartSettings(
      rateBPM: rate, variability: variability, triggerLatency: Milliseconds(latency),
      triggerPulse: Milliseconds(pulse))
  }
}

extension ChargerSettings {
  static func read(_ value: YAMLValue) -> ChargerSettings? {
    let keys = ["time_constant_ms", "ready_tolerance", "droop_per_pulse", "bleed_time_constant_ms"]
    guard let charger = value.mapping(keys: keys) else { return nil }
    let tau = charger.required("time_constant_ms")?.integer(in: 1...10_000)
    let ready = charger.required("ready_tolerance")?.number(in: 0.001...0.2)
    let droop = charger.required("droop_per_pulse")?.number(in: 0...0.5)
    let bleed = charger.required("bleed_time_constant_ms")?.integer(in: 1...10_000)
    guard let tau, let ready, let droop, let bleed else { return nil }
    return ChargerSettings(
      timeConstant: Milliseconds(tau), readyTolerance: ready, droopPerPulse: droop,
      bleedTimeConstant: Milliseconds(bleed))
  }
}

extension RelaySettings {
  /// `settle_min_ms <= settle_max_ms <= interlocks.relay_settle_ms`.
  static func read(_ value: YAMLValue, limit: Milliseconds?) -> RelaySettings? {
    guard let relays = value.mapping(keys: ["settle_min_ms", "settle_max_ms"]) else { return nil }
    let upper = limit?.value ?? 1000
    let minimum = relays.required("settle_min_ms")?.integer(in: 0...upper)
    let maximum = relays.required("settle_max_ms")?.integer(in: 0...upper)
    guard let minimum, let maximum else { return nil }
    guard minimum <= maximum else {
      relays["settle_max_ms"]?.report(
        "must be at least settle_min_ms", allowed: "\(minimum)..\(upper)", found: "\(maximum)")
      return nil
    }
    return RelaySettings(settleMin: Milliseconds(minimum), settleMax: Milliseconds(maximum))
  }
}

extension HeatSinkSettings {
  static func read(_ value: YAMLValue) -> HeatSinkSettings? {
    let keys = ["ambient_c", "rise_per_pulse_c", "time_constant_ms"]
    guard let sink = value.mapping(keys: keys) else { return nil }
    let ambient = sink.required("ambient_c")?.number(in: -10...50)
    let rise = sink.required("rise_per_pulse_c")?.number(in: 0...1)
    let tau = sink.required("time_constant_ms")?.integer(in: 1...3_600_000)
    guard let ambient, let rise, let tau else { return nil }
    return HeatSinkSettings(
      ambient: Celsius(ambient), risePerPulse: Celsius(rise), timeConstant: Milliseconds(tau))
  }
}
