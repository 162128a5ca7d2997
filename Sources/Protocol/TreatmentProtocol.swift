import Planning
import Units

/// A treatment protocol (PROTOCOL-FORMAT.md, formats 1 and 2), decoded and validated.
///
/// A value of this type has passed every rule of the format against a board: the sequencer never
/// re-checks what is guaranteed here. Pairs are resolved: spacing and voltage are computed.
public struct TreatmentProtocol: Sendable, Equatable {
  public var format: Int
  public var name: String
  public var description: String?
  public var probes: [Probe]
  public var pulse: PulseShape
  public var sync: Synchronisation
  public var test: TestPulses
  public var therapy: Therapy
  public var limits: CurrentLimits
  public var pairs: [ProbePair]
  /// The tissue the planner assumes (format 2; a format 1 file means the library's default).
  public var tissue: String
  /// The volume the zone must cover (format 2, optional), in the probes' coordinates with z = 0
  /// the plane through the middle of the exposed length.
  public var target: Ellipsoid?

  public init(
    format: Int, name: String, description: String?, probes: [Probe], pulse: PulseShape,
    sync: Synchronisation, test: TestPulses, therapy: Therapy, limits: CurrentLimits,
    pairs: [ProbePair], tissue: String = TissueLibrary.defaultTissue, target: Ellipsoid? = nil
  ) {
    self.format = format
    self.name = name
    self.description = description
    self.probes = probes
    self.pulse = pulse
    self.sync = sync
    self.test = test
    self.therapy = therapy
    self.limits = limits
    self.pairs = pairs
    self.tissue = tissue
    self.target = target
  }

  /// Pulses delivered by the whole treatment, test pulses included, every train pulse counted.
  public var totalPulses: Int { pairs.count * (test.pulses + therapy.pulses) }
}

/// One needle electrode, on generator output `id` (1...6).
public struct Probe: Sendable, Equatable {
  public var id: Int
  public var x: Millimetres
  public var y: Millimetres
  public var exposure: Millimetres
  /// The needle's gauge (format 2; 19 G where the file names none).
  public var gauge: NeedleGauge
  public init(
    id: Int, x: Millimetres, y: Millimetres, exposure: Millimetres, gauge: NeedleGauge = .standard
  ) {
    self.id = id
    self.x = x
    self.y = y
    self.exposure = exposure
    self.gauge = gauge
  }
}

public struct PulseShape: Sendable, Equatable {
  public var width: Microseconds
  public var field: VoltsPerCentimetre
  public var train: PulseTrain
  public init(width: Microseconds, field: VoltsPerCentimetre, train: PulseTrain) {
    self.width = width
    self.field = field
    self.train = train
  }
}

/// Pulses per fire edge; more than one is a train timed by the pulse board (BOARD.md 0x07/0x08).
public struct PulseTrain: Sendable, Equatable {
  public var pulses: Int
  /// Onset-to-onset period inside the train; `nil` exactly when `pulses == 1`.
  public var period: Microseconds?
  public init(pulses: Int, period: Microseconds?) {
    self.pulses = pulses
    self.period = period
  }
  /// From the first onset to the end of the last pulse.
  public func duration(width: Microseconds) -> Nanoseconds {
    (period?.nanoseconds ?? .zero) * Int64(pulses - 1) + width.nanoseconds
  }
}

public enum Synchronisation: Sendable, Equatable {
  case ecg(ECGGating)
  case fixedRate(Hertz)
}

/// How pulses are gated by the R-wave trigger (DOMAIN.md, heart synchronisation).
public struct ECGGating: Sendable, Equatable {
  /// From the trigger edge to the pulse.
  public var delay: Milliseconds
  /// Later than delay + window after the edge, the beat is skipped.
  public var window: Milliseconds
  /// A trigger sooner than this after the previous one is a double trigger.
  public var minRR: Milliseconds
  /// No trigger for this long is a missed beat.
  public var maxRR: Milliseconds
  /// This many missed beats in a row pause the treatment.
  public var pauseAfterMissed: Int
  public init(
    delay: Milliseconds, window: Milliseconds, minRR: Milliseconds, maxRR: Milliseconds,
    pauseAfterMissed: Int
  ) {
    self.delay = delay
    self.window = window
    self.minRR = minRR
    self.maxRR = maxRR
    self.pauseAfterMissed = pauseAfterMissed
  }
}

public struct TestPulses: Sendable, Equatable {
  public var pulses: Int
  /// The range every test pulse's current must fall in; `nil` exactly when `pulses == 0`.
  public var currentRange: ClosedRange<Amperes>?
  public init(pulses: Int, currentRange: ClosedRange<Amperes>?) {
    self.pulses = pulses
    self.currentRange = currentRange
  }
}

public struct Therapy: Sendable, Equatable {
  public var pulses: Int
  public var setSize: Int
  public var polarity: PolarityScheme
  public init(pulses: Int, setSize: Int, polarity: PolarityScheme) {
    self.pulses = pulses
    self.setSize = setSize
    self.polarity = polarity
  }
}

public enum PolarityScheme: String, Sendable, Equatable, CaseIterable {
  case fixed
  case alternatePerSet = "alternate_per_set"
}

public struct CurrentLimits: Sendable, Equatable {
  public var maxCurrent: Amperes
  public var maxCurrentJump: Amperes
  public var minCurrent: Amperes
  public init(maxCurrent: Amperes, maxCurrentJump: Amperes, minCurrent: Amperes) {
    self.maxCurrent = maxCurrent
    self.maxCurrentJump = maxCurrentJump
    self.minCurrent = minCurrent
  }
}

/// A pair of probes as delivered: anode on the + bus, cathode on the − bus (normal polarity).
public struct ProbePair: Sendable, Equatable {
  public var anode: Int
  public var cathode: Int
  /// Centre-to-centre distance of the two probes.
  public var spacing: Millimetres
  /// The shorter exposed length of the two.
  public var exposure: Millimetres
  /// Given in the file, or field × spacing.
  public var voltage: Volts
  public init(anode: Int, cathode: Int, spacing: Millimetres, exposure: Millimetres, voltage: Volts) {
    self.anode = anode
    self.cathode = cathode
    self.spacing = spacing
    self.exposure = exposure
    self.voltage = voltage
  }
  /// "1–2", as the console and the summary table name a pair.
  public var label: String { "\(anode)–\(cathode)" }
}

extension TreatmentProtocol {
  /// The ECG gating, when the protocol is synchronised to the heart.
  public var ecgGating: ECGGating? {
    switch sync {
    case .ecg(let gating): gating
    case .fixedRate: nil
    }
  }
}
