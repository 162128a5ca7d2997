import Telemetry

/// Telemetry lines as a controller sends them, for the console's tests.
enum Messages {
  static func hello(backend: String = "simulator") -> TelemetryMessage {
    var hello = TelemetryMessage(.hello, at: 0)
    hello.backend = backend
    hello.protocolName = "liver-4probe-box"
    hello.board = "reference-board-sim"
    hello.pairs = [
      .init(anode: 1, cathode: 2, voltageV: 2250), .init(anode: 2, cathode: 3, voltageV: 2250),
    ]
    hello.testPulses = 10
    hello.therapyPulses = 90
    hello.setSize = 10
    hello.trainPulses = 1
    hello.sync = "ecg"
    hello.interlocks = [
      "startup", "estop", "footswitch_released", "footswitch_disagree", "lid", "ecg_trigger", "bank_voltage",
      "charger", "bleed", "relay_readback", "pulse_counter", "over_current", "current_jump",
      "voltage_collapse",
      "hardware_fault", "test_pulse_current", "low_current", "pulse_rate", "over_temperature", "sensor",
      "record",
      "timing", "operator_pause", "operator_abort",
    ]
    return hello
  }

  static func pulse(_ index: Int, pair: Int = 0, current: Double = 30, test: Bool = false, at t: Double)
    -> TelemetryMessage
  {
    var pulse = TelemetryMessage(.pulse, at: t)
    pulse.index = index
    pulse.pair = pair
    pulse.kind = test ? "test" : "therapy"
    pulse.currentA = current
    pulse.voltageV = 2248
    pulse.onsetErrorUs = 2.5
    pulse.triggerMs = t - 50
    return pulse
  }

  static func state(_ name: String, cause: String? = nil, reason: String? = nil, at t: Double)
    -> TelemetryMessage
  {
    var state = TelemetryMessage(.state, at: t)
    state.state = name
    state.cause = cause
    state.reason = reason
    return state
  }

  static func phase(_ name: String, pair: Int?) -> TelemetryMessage {
    var phase = TelemetryMessage(.phase)
    phase.phase = name
    phase.pair = pair
    return phase
  }

  /// The planner's currents of the hello's two pairs.
  static func plan(_ currents: [Double]) -> TelemetryMessage {
    var plan = TelemetryMessage(.plan)
    plan.pairs = zip([(1, 2), (2, 3)], currents).map {
      .init(anode: $0.0.0, cathode: $0.0.1, voltageV: 2250, plannedCurrentA: $0.1)
    }
    return plan
  }

  static func trigger(at t: Double) -> TelemetryMessage { TelemetryMessage(.trigger, at: t) }

  static func fault(_ interlock: String, _ reason: String, pulse: Int, at t: Double) -> TelemetryMessage {
    var fault = TelemetryMessage(.fault, at: t)
    fault.interlock = interlock
    fault.reason = reason
    fault.pulseIndex = pulse
    return fault
  }

  /// A treatment under way: pair 1, test pulses done, some therapy.
  static func underWay(pulses: Int = 25) -> [TelemetryMessage] {
    var messages = [hello(), phase("therapy", pair: 0), state("delivering", at: 10)]
    for n in 0..<pulses {
      let t = 1000 + Double(n) * 1000
      messages.append(trigger(at: t - 50))
      messages.append(pulse(n, current: 25 + Double(n % 5), test: n < 10, at: t))
    }
    return messages
  }
}
