import Units

/// What can go wrong with the patient's rhythm and with the trigger monitor watching it, for
/// the simulated heart. Every random choice comes from the simulation's seed.
public struct HeartAnomalies: Sendable, Equatable {
  /// A stretch of time, from `start` for `duration`.
  public struct Window: Sendable, Equatable {
    public var start: Instant
    public var duration: Nanoseconds
    public init(start: Instant, duration: Nanoseconds) {
      self.start = start
      self.duration = duration
    }
    public func contains(_ instant: Instant) -> Bool { instant >= start && instant < start + duration }
    public var end: Instant { start + duration }
  }

  /// Chance per beat of a premature (ectopic) beat at 45–60 % of the interval, followed by a
  /// compensatory pause so that the two intervals add up to two normal ones.
  public var ectopicProbability: Double
  /// Chance per beat that a tall T-wave makes the monitor trigger a second time, 250–350 ms
  /// after the R-wave.
  public var tWaveProbability: Double
  /// Change of the heart rate, in beats per minute per minute of treatment.
  public var driftBPMPerMinute: Double
  /// No heartbeat at all during these windows.
  public var asystole: [Window]
  /// The monitor's leads are off: the heart beats but no trigger comes out.
  public var leadOff: [Window]

  public init(
    ectopicProbability: Double = 0, tWaveProbability: Double = 0, driftBPMPerMinute: Double = 0,
    asystole: [Window] = [], leadOff: [Window] = []
  ) {
    self.ectopicProbability = ectopicProbability
    self.tWaveProbability = tWaveProbability
    self.driftBPMPerMinute = driftBPMPerMinute
    self.asystole = asystole
    self.leadOff = leadOff
  }

  public static let none = HeartAnomalies()
}

/// One thing the heart or the monitor did that a correct controller must not deliver on.
public struct HeartEvent: Sendable, Equatable {
  public enum Kind: String, Sendable {
    /// A premature beat; its trigger edge is at `at`.
    case ectopic
    /// The beat after a premature one, after the compensatory pause; its edge is at `at`.
    case compensatory
    /// A second trigger edge from the T-wave at `at`.
    case tWave = "t_wave"
    /// A beat that did not happen (asystole) around `at`.
    case asystole
    /// A beat whose trigger the monitor did not give (leads off), at `at`.
    case leadOff = "lead_off"
  }
  public var kind: Kind
  public var at: Instant
}
