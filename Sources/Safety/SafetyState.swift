/// Where the controller is, as far as safety is concerned. Outputs are a function of this state
/// alone (`outputs`), so "HV is on only while charging, ready or delivering" holds by
/// construction rather than by every caller remembering it.
public enum SafetyState: Equatable, Sendable, Hashable {
  /// A fault stopped everything; it stays until its cause is gone and the operator acknowledges.
  /// The controller starts here (`Interlock.startup`), as an e-stop latch does.
  case latched(Fault)
  /// Safe and fault-free: a pair may be switched in.
  case idle
  /// The electrode relays are moving; the bank is bled.
  case switching
  /// The charger is bringing the bank to its set-point.
  case charging
  /// The bank is at its set-point; waiting for the next trigger.
  case ready
  /// A pulse was fired; waiting for its measurement.
  case delivering
  /// Delivery stopped for transient causes, every one of them named; outputs safe.
  case paused(PauseCauses)
  /// A pair was stopped (poor contact); the operator decides what comes next.
  case pairStopped(Fault)
  /// The treatment ended (completed or aborted); outputs safe, nothing more happens.
  case finished
}

extension SafetyState {
  public var outputs: SafetyOutputs {
    switch self {
    case .charging, .ready, .delivering: SafetyOutputs(hvEnable: true, bleedRelease: true)
    case .latched, .idle, .switching, .paused, .pairStopped, .finished: .safe
    }
  }

  /// The latched fault, if any.
  public var fault: Fault? {
    switch self {
    case .latched(let fault): fault
    case .idle, .switching, .charging, .ready, .delivering, .paused, .pairStopped, .finished: nil
    }
  }

  /// A name for displays and records ("latched", "ready", ...).
  public var name: String {
    switch self {
    case .latched: "latched"
    case .idle: "idle"
    case .switching: "switching"
    case .charging: "charging"
    case .ready: "ready"
    case .delivering: "delivering"
    case .paused: "paused"
    case .pairStopped: "pair_stopped"
    case .finished: "finished"
    }
  }
}

/// What the safety logic wants on the two HV outputs. Everything else has its declared safe value
/// except while the sequencer fires, which only a `FirePermission` allows.
public struct SafetyOutputs: Equatable, Sendable {
  public var hvEnable: Bool
  /// `false` bleeds the bank through the dump resistor.
  public var bleedRelease: Bool
  public static let safe = SafetyOutputs(hvEnable: false, bleedRelease: false)
}
