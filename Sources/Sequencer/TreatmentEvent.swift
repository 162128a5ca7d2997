import Protocol
import Safety
import Units

/// Which way round a pair is connected: anode on the + bus (normal) or the cathode (reversed).
public enum Polarity: String, Sendable, Equatable {
  case normal
  case reversed
}

/// A pulse the generator delivered, as measured by the supervisor.
public struct DeliveredPulse: Sendable, Equatable {
  /// From 0, across the whole treatment, every pulse of a train counted.
  public var index: Int
  /// Index of the pair in the protocol.
  public var pair: Int
  public var kind: PulseMeasurement.Kind
  /// The trigger edge it answered; `nil` in fixed-rate mode.
  public var trigger: Instant?
  /// When the fire edge was due (trigger + delay, or the fixed-rate period).
  public var scheduled: Instant
  /// When this pulse started: the clock read immediately before the call that raised
  /// `pulse_fire` (for the n-th pulse of a train: that instant plus n periods).
  public var fired: Instant
  /// The supervisor's peaks; `nil` when the pulse is not known to have been delivered: the
  /// read-back failed after the edge, or the supervisor did not count it (a missed pulse). The
  /// edge went out all the same, so the pulse is listed: the record's bounds must contain it.
  public var current: Amperes?
  public var voltage: Volts?
  public var polarity: Polarity
  /// The supervisor's pulse counter once this pulse was counted; `nil` when it was not.
  public var supervisorCount: UInt16?

  /// Whether the supervisor counted and measured this pulse.
  public var measured: Bool { current != nil }
}

/// The currents of a block of pulses (a therapy set), kept as running figures so that
/// collecting them allocates nothing.
public struct CurrentStatistics: Sendable, Equatable {
  public private(set) var count = 0
  public private(set) var first: Amperes?
  public private(set) var last: Amperes?
  public private(set) var minimum: Amperes?
  public private(set) var maximum: Amperes?
  private var sum = 0.0
  public init() {}
  public mutating func add(_ current: Amperes) {
    count += 1
    first = first ?? current
    last = current
    minimum = Swift.min(minimum ?? current, current)
    maximum = Swift.max(maximum ?? current, current)
    sum += current.value
  }
  public var mean: Amperes? { count == 0 ? nil : Amperes(sum / Double(count)) }
}

/// A beat that passed without a pulse, and why.
public struct SkippedBeat: Sendable, Equatable {
  public var pair: Int
  public var reason: SkipReason
  public var at: Instant
}

/// What the sequencer is about to do: announced before it is done, so that a record can be
/// written ahead of every pulse.
public struct PulseIntent: Sendable, Equatable {
  public var index: Int
  public var pair: Int
  public var kind: PulseMeasurement.Kind
  public var polarity: Polarity
  /// Pulses of the train this fire edge will give.
  public var pulses: Int
  /// When the intent was announced.
  public var at: Instant

  /// Same pulse, pair, kind, polarity and train: an intent already on record covers it.
  public func describesTheSamePulse(as other: PulseIntent) -> Bool {
    index == other.index && pair == other.pair && kind == other.kind && polarity == other.polarity
      && pulses == other.pulses
  }
}

public enum TreatmentPhase: String, Sendable, Equatable {
  case bringUp = "bring_up"
  case switching
  case charging
  case testPulses = "test_pulses"
  case therapy
  case review
  case paused
  case finishing
}

/// Everything that happens during a treatment, in order, for the progress display, the record
/// and the summary.
public enum TreatmentEvent: Sendable, Equatable {
  case phase(TreatmentPhase, pair: Int?)
  case state(SafetyState, at: Instant)
  case intent(PulseIntent)
  case pulse(DeliveredPulse)
  case skipped(SkippedBeat)
  case fault(Fault, at: Instant, pulseIndex: Int)
  case setReviewed(pair: Int, set: Int, accepted: Bool)
  /// The readiness list changed: every check that stops the controller from arming now.
  case readiness(InterlockSet, at: Instant)
  /// A heat-sink temperature reading.
  case temperature(Celsius, at: Instant)
  /// The operator cleared the cause of `fault` and acknowledged it; delivery goes on.
  case recovered(Fault, at: Instant)
  /// A line or bus error that stopped the treatment, in the backend's words.
  case hardwareError(String, at: Instant)
  /// A rising edge on the trigger input (an R-wave), before it is judged.
  case trigger(at: Instant)
  /// The bank voltage read at a fire check.
  case bank(Volts, at: Instant)
  /// A command from a monitoring console: taken (pause, abort) or refused, and why. Not the
  /// sequencer's: the controller adds it to the stream so that the record keeps it.
  case console(command: String, accepted: Bool, detail: String, at: Instant)
  /// The session is over and the outputs safe; the bank voltage read last (`nil` if it could
  /// not be read).
  case ended(bank: Volts?, at: Instant)
}

public protocol TreatmentObserver: AnyObject {
  func treatment(_ event: TreatmentEvent)
}

/// How a treatment ended.
public enum TreatmentOutcome: Sendable, Equatable {
  case completed
  /// A latched fault stopped it; outputs are safe and the bank bled.
  case faulted(Fault, at: Instant, pulseIndex: Int)
  /// The operator (or the scripted one) ended it.
  case aborted(reason: String, at: Instant, pulseIndex: Int)

  public var name: String {
    switch self {
    case .completed: "completed"
    case .faulted: "faulted"
    case .aborted: "aborted"
    }
  }
}

/// The operator at the controlling terminal: the only one who may acknowledge, resume and accept
/// (SAFETY.md principle 4). In `irectl simulate` a scripted operator plays this part.
public protocol TreatmentOperator: AnyObject {
  /// A latched fault (or the start-up latch) waits for acknowledgement. `true` acknowledges.
  func acknowledge(_ fault: Fault) -> Bool
  /// After each therapy set: the currents of the set. `true` goes on with the next set.
  func reviewSet(pair: ProbePair, set: Int, currents: CurrentStatistics) -> Bool
  /// A pair was stopped (poor contact). `true` goes on with the next pair; `false` ends the
  /// treatment.
  func continueAfterStoppedPair(_ pair: ProbePair, fault: Fault) -> Bool
  /// A latched fault stopped delivery at `latchedAt`; asked again every poll while the answer
  /// is `.wait` (outputs safe, watchdog fed). `.acknowledge`: the operator has seen the reason,
  /// cleared the cause and acknowledges, and the remaining pulses may follow (the machine still
  /// refuses if a cause remains). `.end` ends the treatment faulted.
  func recover(from fault: Fault, latchedAt: Instant, now: Instant) -> RecoveryDecision
  /// Delivery is paused; asked again every poll while the answer is `.wait`.
  func paused(_ pause: PauseSituation) -> PauseDecision
}

/// A pause as the operator is asked about it.
public struct PauseSituation: Sendable, Equatable {
  /// Every cause that stands now.
  public var causes: PauseCauses
  /// When this pause began.
  public var began: Instant
  /// How long delivery has been paused since the last pulse went out: resuming into a cause
  /// that comes straight back does not reset the operator's patience.
  public var duration: Nanoseconds
  public var now: Instant

  public init(causes: PauseCauses, began: Instant, duration: Nanoseconds, now: Instant) {
    self.causes = causes
    self.began = began
    self.duration = duration
    self.now = now
  }
}

public enum RecoveryDecision: Sendable, Equatable {
  case wait
  case acknowledge
  case end
}

/// What another thread may ask of a running treatment. Only what makes things safer: a pause
/// or an abort (SAFETY.md principle 4); resuming stays with the operator at the terminal.
public enum TreatmentCommand: Sendable, Equatable {
  case pause
  case abort(reason: String)
}

public enum PauseDecision: Sendable, Equatable {
  case wait
  case resume
  case abort(reason: String)
}
