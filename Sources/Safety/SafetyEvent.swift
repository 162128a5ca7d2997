import Units

/// Everything that can happen to the safety machine. The sequencer and the operator produce
/// events; the machine alone decides what they mean.
public enum SafetyEvent: Equatable, Sendable, Hashable {
  /// A fresh snapshot of the interlock inputs.
  case inputs(InterlockInputs)
  /// The operator acknowledges a latched fault (the reset edge). Clears it only if its cause
  /// is gone in the last snapshot.
  case acknowledge
  /// The sequencer wants to move the electrode relays (a new pair, or a polarity change).
  case beginSwitching
  /// Relays read back after settling: as commanded, or not.
  case relaysVerified(Bool)
  /// The sequencer wants to charge the bank for the next pulses.
  case beginCharging
  /// A bank-voltage reading against its set-point.
  case bankVoltage(measured: Volts, setpoint: Volts)
  /// The charger did not reach its set-point within the board's time limit.
  case chargeTimedOut
  /// The bank did not bleed below the board's safe level in time (it reads `measured`).
  case bleedTimedOut(measured: Volts)
  /// A pulse was fired (the sequencer used its permission).
  case fired
  /// The supervisor's measurement of the pulse just fired.
  case measured(PulseMeasurement)
  /// Too many beats in a row without a valid trigger.
  case triggerLost
  /// A sensor or bus error that retries did not cure.
  case sensorFailed
  /// The treatment record cannot be written: what is delivered would no longer be known.
  case recordFailed
  /// A wait of the timing loop woke this much later than asked: long enough that the
  /// watchdog went unfed.
  case timingOverrun(late: Nanoseconds)
  /// Anyone may pause (SAFETY.md principle 4): the console, a signal.
  case pause
  /// The operator resumes after a pause or a stopped pair.
  case resume
  /// Anyone may abort.
  case abort
  /// The sequencer has delivered everything.
  case complete
}

/// What the supervisor measured for one fire edge.
public struct PulseMeasurement: Equatable, Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable { case test, therapy }
  public var kind: Kind
  public var peakCurrent: Amperes
  public var peakVoltage: Volts
  public var setpoint: Volts
  /// Pulses the supervisor counted for this edge, against the pulses the train should have.
  public var counted: Int
  public var expected: Int
  /// The previous pulse's current on this pair, for the jump check; `nil` for the first.
  public var previousCurrent: Amperes?
  /// Over-current or arc latched by the pulse board, or `hw_fault` asserted.
  public var hardwareFault: Bool

  public init(
    kind: Kind, peakCurrent: Amperes, peakVoltage: Volts, setpoint: Volts, counted: Int, expected: Int,
    previousCurrent: Amperes?, hardwareFault: Bool
  ) {
    self.kind = kind
    self.peakCurrent = peakCurrent
    self.peakVoltage = peakVoltage
    self.setpoint = setpoint
    self.counted = counted
    self.expected = expected
    self.previousCurrent = previousCurrent
    self.hardwareFault = hardwareFault
  }
}
