import Units

/// The only thing that lets the sequencer fire a pulse (SAFETY.md principle 2).
///
/// Only `SafetyMachine.permission(_:)` can make one (its initialiser is internal to this
/// module), it is non-copyable, and firing consumes it: a pulse cannot be fired without a check
/// made just before it, and one check cannot fire two pulses.
public struct FirePermission: ~Copyable, Sendable {
  /// The latest moment the pulse may still be fired (trigger + delay + window).
  public let notAfter: Instant
  /// The machine's state-change count when the permission was granted
  /// (`SafetyMachine.stillPermits`).
  let stateChanges: UInt64
  init(notAfter: Instant, stateChanges: UInt64) {
    self.notAfter = notAfter
    self.stateChanges = stateChanges
  }

  /// The last look, microseconds before the edge: the permission was granted on a snapshot
  /// taken a few milliseconds earlier, and the inputs that can change in that time without
  /// any I2C transfer (e-stop, footswitch, lid, the pulse board's fault line) must still say
  /// go. Temperature and bank voltage change too slowly to matter in that gap.
  public func stillHolds(
    estopOK: Bool, footswitchA: Bool, footswitchB: Bool, lidClosed: Bool, hardwareFault: Bool
  ) -> Bool {
    estopOK && footswitchA && footswitchB && lidClosed && !hardwareFault
  }
}

/// What the sequencer asks about right before a pulse: a fresh snapshot and the bank voltage.
public struct FireCheck: Equatable, Sendable {
  public var inputs: InterlockInputs
  public var bankVoltage: Volts
  public var setpoint: Volts
  /// The relays read back as the pair being treated, since they last moved.
  public var relaysVerified: Bool
  /// The latest moment this pulse may fire (for ECG delivery: trigger + delay + window).
  public var notAfter: Instant
  /// Beats already held in a row for the bank voltage.
  public var heldBeats: Int
  /// Time since the previous fire edge, if there was one.
  public var sinceLastFire: Nanoseconds?
  /// How far the supervisor's counter moved since the last measurement: anything but 0 is a
  /// pulse nobody fired.
  public var pulsesSinceLastLook: Int

  public init(
    inputs: InterlockInputs, bankVoltage: Volts, setpoint: Volts, relaysVerified: Bool, notAfter: Instant,
    heldBeats: Int, sinceLastFire: Nanoseconds? = nil, pulsesSinceLastLook: Int = 0
  ) {
    self.inputs = inputs
    self.bankVoltage = bankVoltage
    self.setpoint = setpoint
    self.relaysVerified = relaysVerified
    self.notAfter = notAfter
    self.heldBeats = heldBeats
    self.sinceLastFire = sinceLastFire
    self.pulsesSinceLastLook = pulsesSinceLastLook
  }
}

/// Why a beat was not used. A skip is not a fault: the beat passes, delivery goes on.
public enum SkipReason: String, Sendable, Hashable, CaseIterable {
  /// The trigger came sooner than min RR after the previous one (T-wave, double trigger).
  case doubleTrigger = "double_trigger"
  /// No trigger within max RR.
  case missedBeat = "missed_beat"
  /// The delivery window had passed when the pulse could have been fired.
  case late = "late"
  /// The bank was off its set-point: the beat is held.
  case bankVoltage = "bank_voltage"
  /// The machine was not ready (charging, paused) when the trigger came.
  case notReady = "not_ready"
  /// The interval to the previous trigger implies a heart rate outside the allowed range.
  case heartRate = "heart_rate"
  /// The interval deviates from the recent median: an ectopic beat, or the pause after one.
  case ectopic = "ectopic"
  /// No previous trigger to judge this one by (the first, or the first after missed beats).
  case noReference = "no_reference"
  /// The record has not made this pulse's intent durable yet: nothing fires unrecorded.
  case recordNotDurable = "record_not_durable"
  /// The trigger's timestamp is in the future: it cannot be placed on the controller's clock, so
  /// neither a pulse nor the rhythm is timed from it. (One older than max RR is a real beat read
  /// late: it is judged like any beat, the rhythm learns from it, and no pulse is timed from it;
  /// when the rhythm finds nothing wrong with it, it is skipped as `notReady`.)
  case implausibleTimestamp = "implausible_timestamp"
  /// The backend lost trigger edges before this one (the kernel's queue was full): the beat
  /// before it is unknown, so its interval, and whether it is a double trigger, cannot be judged.
  case droppedEdges = "dropped_edges"
}

/// The answer to a fire check.
public enum FireDecision: ~Copyable, Sendable {
  case fire(FirePermission)
  case skip(SkipReason)
  /// The check found a fault; the machine has latched it (see `SafetyMachine.permission`).
  case fault(Fault)
}
