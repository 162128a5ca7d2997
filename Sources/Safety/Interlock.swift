/// Every check that can stop the controller (SAFETY.md, the interlock table).
///
/// Each interlock has one fixed, readable reason text and one reaction kind. The text is what
/// the operator, the summary and the record show; measured values go beside it, never into it,
/// so that the same fault reads the same way everywhere.
public enum Interlock: String, CaseIterable, Sendable, Hashable {
  case startup = "startup"
  case estop = "estop"
  case footswitchReleased = "footswitch_released"
  case footswitchDisagree = "footswitch_disagree"
  case lid = "lid"
  case ecgTrigger = "ecg_trigger"
  case bankVoltage = "bank_voltage"
  case charger = "charger"
  case bleed = "bleed"
  case relayReadback = "relay_readback"
  case pulseCounter = "pulse_counter"
  case overCurrent = "over_current"
  case currentJump = "current_jump"
  case voltageCollapse = "voltage_collapse"
  case hardwareFault = "hardware_fault"
  case testPulseCurrent = "test_pulse_current"
  case lowCurrent = "low_current"
  case overTemperature = "over_temperature"
  case sensor = "sensor"
  case operatorPause = "operator_pause"
  case operatorAbort = "operator_abort"

  /// The fixed reason shown to the operator.
  public var reason: String {
    switch self {
    case .startup: "controller started: outputs safe until the operator acknowledges"
    case .estop: "emergency stop pressed"
    case .footswitchReleased: "footswitch released"
    case .footswitchDisagree: "footswitch channels disagree"
    case .lid: "enclosure lid open"
    case .ecgTrigger: "no valid ECG trigger"
    case .bankVoltage: "bank voltage off its set-point"
    case .charger: "charger did not reach the set-point in time"
    case .bleed: "bank did not bleed below its safe level in time"
    case .relayReadback: "electrode relays do not read back as commanded"
    case .pulseCounter: "supervisor pulse counter did not rise by exactly the pulses fired"
    case .overCurrent: "peak current above the limit"
    case .currentJump: "current jump between consecutive pulses (arc suspected)"
    case .voltageCollapse: "pulse voltage collapsed (arc suspected)"
    case .hardwareFault: "pulse board reports a hardware fault"
    case .testPulseCurrent: "test-pulse current outside the allowed range"
    case .lowCurrent: "current below the minimum (poor contact)"
    case .overTemperature: "HV switch heat-sink over temperature"
    case .sensor: "a sensor failed or returned nonsense"
    case .operatorPause: "paused by the operator"
    case .operatorAbort: "aborted by the operator"
    }
  }

  /// How the controller reacts (SAFETY.md principle 3).
  public var reaction: Reaction {
    switch self {
    case .startup, .estop, .footswitchDisagree, .lid, .bankVoltage, .charger, .bleed, .relayReadback,
      .pulseCounter,
      .overCurrent, .currentJump, .voltageCollapse, .hardwareFault, .overTemperature, .sensor:
      .latch
    case .testPulseCurrent, .lowCurrent: .stopPair
    case .ecgTrigger, .operatorPause, .footswitchReleased: .pause
    case .operatorAbort: .abort
    }
  }
}

public enum Reaction: String, Sendable {
  /// Stop delivery, bleed the bank, stay stopped until the cause is gone and acknowledged.
  case latch
  /// Stop delivery, bleed the bank; the operator resumes.
  case pause
  /// Stop this pair; the operator decides whether to go on with the next one.
  case stopPair
  /// End the treatment, safe.
  case abort
}
