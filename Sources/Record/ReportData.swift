/// Everything the treatment report shows, read from the record: the session, its pairs, every
/// pulse, every skipped beat and interlock event, and the heat-sink temperature over time.
/// Plain values, so that the report is a pure function of them.
public struct ReportData: Sendable, Equatable {
  public struct Session: Sendable, Equatable {
    public var id: String
    public var backend: String
    public var simulated: Bool
    public var device: String
    public var protocolName: String
    public var protocolSHA256: String
    public var boardSHA256: String
    public var softwareVersion: String
    public var operatorName: String
    public var startedAt: String
    public var endedAt: String?
    public var outcome: String
    /// For an interrupted session: the delivered count lies in this range.
    public var deliveredBounds: ClosedRange<Int>?
    /// The protocol file as the session named it (its SHA-256 is `protocolSHA256`).
    public var protocolFile: String
    /// The board file as the session named it (its SHA-256 is `boardSHA256`).
    public var boardFile: String
    /// What the session's zones are computed from; `nil` for sessions recorded without them.
    public var planInputs: PlanInputs?
    public init(
      id: String, backend: String, simulated: Bool, device: String, protocolName: String,
      protocolSHA256: String,
      boardSHA256: String, softwareVersion: String, operatorName: String, startedAt: String, endedAt: String?,
      outcome: String, deliveredBounds: ClosedRange<Int>?, protocolFile: String = "",
      boardFile: String = "", planInputs: PlanInputs? = nil
    ) {
      self.id = id
      self.backend = backend
      self.simulated = simulated
      self.device = device
      self.protocolName = protocolName
      self.protocolSHA256 = protocolSHA256
      self.boardSHA256 = boardSHA256
      self.softwareVersion = softwareVersion
      self.operatorName = operatorName
      self.startedAt = startedAt
      self.endedAt = endedAt
      self.outcome = outcome
      self.deliveredBounds = deliveredBounds
      self.protocolFile = protocolFile
      self.boardFile = boardFile
      self.planInputs = planInputs
    }
  }

  public struct Pair: Sendable, Equatable {
    public var index: Int
    public var anode: Int
    public var cathode: Int
    public var voltageV: Double
    /// Pulses per therapy set (set boundaries are marked on the plots).
    public var setSize: Int
    public init(index: Int, anode: Int, cathode: Int, voltageV: Double, setSize: Int) {
      self.index = index
      self.anode = anode
      self.cathode = cathode
      self.voltageV = voltageV
      self.setSize = setSize
    }
  }

  public struct Pulse: Sendable, Equatable {
    public var index: Int
    public var pair: Int
    /// "test" or "therapy".
    public var kind: String
    /// "normal" or "reversed".
    public var polarity: String
    /// Milliseconds from the start of the session.
    public var triggerMs: Double?
    public var firedMs: Double
    /// What the supervisor measured; `nil` for a pulse that went out but could not be read
    /// back (it is listed all the same).
    public var currentA: Double?
    public var voltageV: Double?
    public init(
      index: Int, pair: Int, kind: String, polarity: String, triggerMs: Double?, firedMs: Double,
      currentA: Double?,
      voltageV: Double?
    ) {
      self.index = index
      self.pair = pair
      self.kind = kind
      self.polarity = polarity
      self.triggerMs = triggerMs
      self.firedMs = firedMs
      self.currentA = currentA
      self.voltageV = voltageV
    }
  }

  public struct Skip: Sendable, Equatable {
    public var pair: Int
    public var reason: String
    public var atMs: Double
    public init(pair: Int, reason: String, atMs: Double) {
      self.pair = pair
      self.reason = reason
      self.atMs = atMs
    }
  }

  public struct InterlockEvent: Sendable, Equatable {
    public var interlock: String
    public var reason: String
    public var atMs: Double
    public var recovered: Bool
    public init(interlock: String, reason: String, atMs: Double, recovered: Bool) {
      self.interlock = interlock
      self.reason = reason
      self.atMs = atMs
      self.recovered = recovered
    }
  }

  public struct Temperature: Sendable, Equatable {
    public var atMs: Double
    public var celsius: Double
    public init(atMs: Double, celsius: Double) {
      self.atMs = atMs
      self.celsius = celsius
    }
  }

  public var session: Session
  public var pairs: [Pair]
  public var pulses: [Pulse]
  /// Every beat that passed without a pulse (for the heart-rate plot, with the pulses' triggers).
  public var skipped: [Skip]
  public var interlockEvents: [InterlockEvent]
  public var temperatures: [Temperature]
  /// The protocol's delay and window from trigger to pulse (milliseconds), when ECG-gated.
  public var delayWindowMs: ClosedRange<Double>?
  /// The zone as planned and as delivered, computed outside the record (`nil` until then).
  public var zones: ZoneComparison?
  /// Why the zones could not be computed, when they could not.
  public var zonesUnavailable: String?

  public init(
    session: Session, pairs: [Pair], pulses: [Pulse], skipped: [Skip], interlockEvents: [InterlockEvent],
    temperatures: [Temperature], delayWindowMs: ClosedRange<Double>?
  ) {
    self.session = session
    self.pairs = pairs
    self.pulses = pulses
    self.skipped = skipped
    self.interlockEvents = interlockEvents
    self.temperatures = temperatures
    self.delayWindowMs = delayWindowMs
  }
}
