/// The ablation zone of a session as planned and as delivered, for the report: computed from
/// the record (the voltages measured on each pair's therapy pulses, which pairs received all of
/// them) and the plan's inputs kept with the session, by the planner outside this module. Plain
/// values, so that the report stays a pure function of its data.
public struct ZoneComparison: Sendable, Equatable {
  /// A pair's zone: along its axis × across it in the probe plane × along the needles (mm).
  public struct PairSize: Sendable, Equatable {
    public var along: Double
    public var across: Double
    public var height: Double
    public init(along: Double, across: Double, height: Double) {
      self.along = along
      self.across = across
      self.height = height
    }
  }

  public struct Pair: Sendable, Equatable {
    /// "1–2".
    public var label: String
    public var plannedVoltageV: Double
    /// The mean of the magnitudes of the peak voltages measured on its therapy pulses; `nil`
    /// when none was measured.
    public var measuredVoltageV: Double?
    public var therapyDelivered: Int
    public var therapyPlanned: Int
    public var planned: PairSize
    /// At the measured voltage; `nil` for a pair that did not receive all its therapy pulses
    /// (its share of the zone is not achieved).
    public var delivered: PairSize?
    /// The σ(E) ramp's high-field conductivity fitted to the pair's measured current rise; `nil`
    /// for a pair without a first test pulse and a last therapy pulse measured.
    public var fit: RampFit?
    public var complete: Bool { therapyDelivered >= therapyPlanned }
    public init(
      label: String, plannedVoltageV: Double, measuredVoltageV: Double?, therapyDelivered: Int,
      therapyPlanned: Int, planned: PairSize, delivered: PairSize?, fit: RampFit? = nil
    ) {
      self.label = label
      self.plannedVoltageV = plannedVoltageV
      self.measuredVoltageV = measuredVoltageV
      self.therapyDelivered = therapyDelivered
      self.therapyPlanned = therapyPlanned
      self.planned = planned
      self.delivered = delivered
      self.fit = fit
    }
  }

  /// The tissue's σ(E) ramp as one pair's currents say it was: its high-field conductivity fitted
  /// (the low end and the fields of the library's ramp kept) so that the planner's rise of the
  /// current, from the tissue before its pores open to σ(E) settled, is the measured one.
  public struct RampFit: Sendable, Equatable {
    /// The current per volt of the pair's last therapy pulse over that of its first test pulse.
    public var measuredRise: Double
    public var highSPerM: Double
    /// False when the fit stopped at the bound of its range (the measured rise is out of the
    /// model's reach).
    public var withinRange: Bool
    /// The predicted rise met the measured one (within 0.5 %); false when the fit stopped
    /// before, at its bound or out of steps.
    public var converged: Bool
    /// The fit settled on the measured rise inside its range: the pair's delivered zone is
    /// solved with it (the library's ramp otherwise).
    public var isUsed: Bool { converged && withinRange }

    public init(measuredRise: Double, highSPerM: Double, withinRange: Bool, converged: Bool = true) {
      self.measuredRise = measuredRise
      self.highSPerM = highSPerM
      self.withinRange = withinRange
      self.converged = converged
    }
  }

  /// The zone of all pairs together.
  public struct Zone: Sendable, Equatable {
    public var volumeMl: Double
    /// x × y × z (mm).
    public var extentMm: [Double]
    /// With a target: the % of its volume inside the zone, and the margin (mm, negative where
    /// the target sticks out).
    public var coveragePct: Double?
    public var marginMm: Double?
    public init(volumeMl: Double, extentMm: [Double], coveragePct: Double?, marginMm: Double?) {
      self.volumeMl = volumeMl
      self.extentMm = extentMm
      self.coveragePct = coveragePct
      self.marginMm = marginMm
    }

    /// No zone at all (no pair received its pulses).
    public static let none = Zone(volumeMl: 0, extentMm: [0, 0, 0], coveragePct: 0, marginMm: nil)
  }

  public var tissue: String
  public var thresholdVPerCm: Double
  public var resolutionMm: Double
  public var plannerVersion: String
  public var pairs: [Pair]
  public var planned: Zone
  public var delivered: Zone
  /// Whether the protocol has a target (coverage is shown only then).
  public var hasTarget: Bool
  /// What the reader should know about how the zones were computed (a planner of another
  /// version, a measurement missing).
  public var notes: [String]
  /// The wall time of both plans.
  public var solveMs: Int
  /// The probe plane drawn (inline SVG, made by the planner's page): the planned zone's edge
  /// dashed, the delivered zone's solid, the probes, the target.
  public var planeSVG: String?
  /// The library's high-field conductivity of the tissue, which the per-pair fits start from, and
  /// the grid they are solved on.
  public var libraryHighSPerM: Double?
  public var fitResolutionMm: Double?

  public init(
    tissue: String, thresholdVPerCm: Double, resolutionMm: Double, plannerVersion: String, pairs: [Pair],
    planned: Zone, delivered: Zone, hasTarget: Bool, notes: [String], solveMs: Int
  ) {
    self.tissue = tissue
    self.thresholdVPerCm = thresholdVPerCm
    self.resolutionMm = resolutionMm
    self.plannerVersion = plannerVersion
    self.pairs = pairs
    self.planned = planned
    self.delivered = delivered
    self.hasTarget = hasTarget
    self.notes = notes
    self.solveMs = solveMs
  }

  /// The pairs whose share of the zone was not achieved.
  public var missingPairs: [String] { pairs.filter { !$0.complete }.map(\.label) }
}
