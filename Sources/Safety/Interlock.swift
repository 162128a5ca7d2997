import Units

/// Every check that can stop the controller (SAFETY.md, the interlock table), each declared
/// once: what it checks, how the controller reacts, what clears it, how soon the outputs must
/// be safe, and one fixed reason text. The text is what the operator, the summary and the
/// record show; measured values go beside it, never into it, so that the same fault reads the
/// same way everywhere. docs/safety.md is the same table for people, and a test keeps the two
/// in step.
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
  case pulseRate = "pulse_rate"
  case overTemperature = "over_temperature"
  case sensor = "sensor"
  case record = "record"
  case timing = "timing"
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
    case .pulseRate: "pulses closer together than the board's maximum rate"
    case .overTemperature: "HV switch heat-sink over temperature"
    case .sensor: "a sensor failed or returned nonsense"
    case .record: "the treatment record cannot be written"
    case .timing: "timing thread missed its deadline (the external watchdog drops HV)"
    case .operatorPause: "paused by the operator"
    case .operatorAbort: "aborted by the operator"
    }
  }

  /// What is checked, in the words of the hazard table.
  public var condition: String {
    switch self {
    case .startup: "the controller has just started"
    case .estop: "estop_ok low"
    case .footswitchReleased: "either footswitch channel released"
    case .footswitchDisagree: "footswitch channels disagree for longer than the board's limit (50 ms)"
    case .lid: "lid_closed low while charging, ready or delivering, or when charging starts"
    case .ecgTrigger: "pause_after_missed beats in a row without a usable trigger"
    case .bankVoltage:
      "bank voltage above set-point + tolerance, or below it for more than bank_hold_beats beats"
    case .charger: "hv_ready and the bank voltage not at the set-point within charge_timeout_ms"
    case .bleed: "bank above bled_below_v 2 s after the bleed was engaged"
    case .relayReadback:
      "auxiliary contacts differ from the commanded relays (after a switch, and before every pulse)"
    case .pulseCounter: "supervisor pulse counter rose by other than the train length"
    case .overCurrent: "supervisor peak current above the protocol's (and board's) maximum"
    case .currentJump:
      "peak current differs from the previous pulse of the pair by more than max_current_jump_a"
    case .voltageCollapse: "peak voltage below 80 % of the set-point"
    case .hardwareFault: "hw_fault asserted, or an over-current, arc or width-error latch in the supervisor"
    case .testPulseCurrent: "a test pulse's current outside test.current_a"
    case .lowCurrent: "peak current below min_current_a"
    case .pulseRate: "less than 1 / max_pulse_rate_hz since the previous fire edge"
    case .overTemperature: "heat-sink at temperature_fault_c (pause at temperature_pause_c)"
    case .sensor: "an I2C device does not answer, answers nonsense, or no longer follows writes"
    case .record: "a pulse intent could not be committed to the record"
    case .timing: "a wait of the timing loop woke more than 20 ms late: the watchdog went unfed"
    case .operatorPause: "pause asked by the console or a signal"
    case .operatorAbort: "abort asked by the operator, the console or a signal"
    }
  }

  /// How the controller reacts (SAFETY.md principle 3).
  public var reaction: Reaction {
    switch self {
    case .startup, .estop, .footswitchDisagree, .lid, .bankVoltage, .charger, .bleed, .relayReadback,
      .pulseCounter, .overCurrent, .currentJump, .voltageCollapse, .hardwareFault, .pulseRate,
      .overTemperature, .sensor, .record, .timing:
      .latch
    case .testPulseCurrent, .lowCurrent: .stopPair
    case .ecgTrigger, .operatorPause, .footswitchReleased: .pause
    case .operatorAbort: .abort
    }
  }

  /// What lets delivery go on again.
  public var clearedBy: Clearance {
    switch reaction {
    case .latch: .causeGoneAndAcknowledged
    case .stopPair: .operatorDecision
    case .abort: .never
    case .pause:
      switch self {
      case .footswitchReleased: .causeGone
      case .ecgTrigger, .operatorPause: .operatorResume
      case .startup, .estop, .footswitchDisagree, .lid, .bankVoltage, .charger, .bleed, .relayReadback,
        .pulseCounter, .overCurrent, .currentJump, .voltageCollapse, .hardwareFault, .testPulseCurrent,
        .lowCurrent, .pulseRate, .overTemperature, .sensor, .record, .timing, .operatorAbort:
        .operatorResume
      }
    }
  }

  /// How soon after the cause the outputs are safe (HV off, bleed engaged), by design.
  /// Input lines are polled every 10 ms and looked at again right before every edge; the
  /// heat-sink is read every 500 ms and before every pulse; pulse measurements are judged right
  /// after the train that shows them; relays, the pulse counter and the chips are checked
  /// before every pulse; the watchdog acts 20 ms after the last kick.
  public var deadline: Deadline {
    switch self {
    case .startup, .operatorAbort, .operatorPause: .within(.milliseconds(5))
    case .estop, .footswitchReleased, .lid, .hardwareFault, .ecgTrigger: .within(.milliseconds(20))
    case .footswitchDisagree: .within(.milliseconds(70))
    case .overTemperature: .within(.milliseconds(520))
    case .pulseRate: .within(.milliseconds(10))
    case .relayReadback, .pulseCounter, .sensor, .record, .bankVoltage: .beforeNextPulse
    case .charger: .within(.milliseconds(3_050))
    case .bleed: .within(.milliseconds(2_050))
    case .overCurrent, .currentJump, .voltageCollapse, .testPulseCurrent, .lowCurrent:
      .afterThePulse(.milliseconds(5))
    case .timing: .within(.milliseconds(25))
    }
  }
}

/// How soon an interlock brings the outputs to the safe state.
public enum Deadline: Sendable, Equatable, CustomStringConvertible {
  /// Within this time of the cause.
  case within(Nanoseconds)
  /// Within this time of the pulse whose measurement shows the cause.
  case afterThePulse(Nanoseconds)
  /// Before the next fire edge, whenever that would have been: the check is part of the fire
  /// check, and nothing fires without it.
  case beforeNextPulse

  public var description: String {
    switch self {
    case .within(let span): "\(formatted(span.milliseconds)) ms"
    case .afterThePulse(let span): "\(formatted(span.milliseconds)) ms after the pulse"
    case .beforeNextPulse: "before the next pulse"
    }
  }
}

public enum Reaction: String, Sendable {
  /// Stop delivery, bleed the bank, stay stopped until the cause is gone and acknowledged.
  case latch
  /// Stop delivery, bleed the bank; delivery goes on when the pause is over.
  case pause
  /// Stop this pair; the operator decides whether to go on with the next one.
  case stopPair = "stop_pair"
  /// End the treatment, safe.
  case abort
}

public enum Clearance: String, Sendable {
  /// The cause must be gone and the operator must acknowledge at the terminal.
  case causeGoneAndAcknowledged = "cause gone and acknowledged"
  /// Delivery goes on by itself once the cause is gone (the footswitch pressed again).
  case causeGone = "cause gone"
  /// The operator resumes at the terminal.
  case operatorResume = "operator resumes"
  /// The operator decides: next pair, or end the treatment.
  case operatorDecision = "operator decides"
  /// Nothing: the treatment is over.
  case never = "treatment ends"
}
