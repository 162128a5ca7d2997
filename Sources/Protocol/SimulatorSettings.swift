import Units

/// How the simulated world behaves: the calibration of the tissue model, the heart, the charger,
/// the relays. From the `simulator:` section of a board file whose backend is the simulator.
public struct SimulatorSettings: Sendable, Equatable {
  public var heart: HeartSettings
  public var tissue: TissueSettings
  public var charger: ChargerSettings
  public var relays: RelaySettings
  public var heatSink: HeatSinkSettings
  /// The latest a simulated wake-up lands after its deadline (uniform in 0...this).
  public var wakeLatencyMax: Microseconds
  public init(
    heart: HeartSettings, tissue: TissueSettings, charger: ChargerSettings, relays: RelaySettings,
    heatSink: HeatSinkSettings, wakeLatencyMax: Microseconds
  ) {
    self.heart = heart
    self.tissue = tissue
    self.charger = charger
    self.relays = relays
    self.heatSink = heatSink
    self.wakeLatencyMax = wakeLatencyMax
  }
}

public struct HeartSettings: Sendable, Equatable {
  public var rateBPM: Double
  /// Standard deviation of the RR interval as a fraction of its mean.
  public var variability: Double
  /// From the R-peak to the trigger monitor's output edge.
  public var triggerLatency: Milliseconds
  /// Length of the trigger monitor's TTL pulse.
  public var triggerPulse: Milliseconds
  public init(rateBPM: Double, variability: Double, triggerLatency: Milliseconds, triggerPulse: Milliseconds)
  {
    self.rateBPM = rateBPM
    self.variability = variability
    self.triggerLatency = triggerLatency
    self.triggerPulse = triggerPulse
  }
}

/// The tissue between two needles (DOMAIN.md, "Tissue, for the simulator").
public struct TissueSettings: Sendable, Equatable {
  /// The simulated tissue's σ(E) ramp (the planner's field model solves its field): `sigmaLow`
  /// below `fieldLow` (the tissue before its pores open), `sigmaHigh` above `fieldHigh`.
  public var sigmaLow: SiemensPerMetre
  public var sigmaHigh: SiemensPerMetre
  public var fieldLow: VoltsPerCentimetre
  public var fieldHigh: VoltsPerCentimetre
  /// The simulated needles' radius (the planner takes the protocol's gauge).
  public var needleRadius: Millimetres
  /// Factor from the field model's current in uniform tissue to clinical currents (tumour,
  /// vessels).
  public var calibration: Double
  /// Fractional conductivity rise per °C.
  public var temperatureCoefficient: Double
  /// Temperature rise near the needles per pulse, and its cooling time constant.
  public var heatingPerPulse: Celsius
  public var coolingTimeConstant: Milliseconds
  /// Relative standard deviation of the measured peak current.
  public var noise: Double
  public init(
    sigmaLow: SiemensPerMetre, sigmaHigh: SiemensPerMetre, fieldLow: VoltsPerCentimetre,
    fieldHigh: VoltsPerCentimetre, needleRadius: Millimetres, calibration: Double,
    temperatureCoefficient: Double, heatingPerPulse: Celsius,
    coolingTimeConstant: Milliseconds, noise: Double
  ) {
    self.sigmaLow = sigmaLow
    self.sigmaHigh = sigmaHigh
    self.fieldLow = fieldLow
    self.fieldHigh = fieldHigh
    self.needleRadius = needleRadius
    self.calibration = calibration
    self.temperatureCoefficient = temperatureCoefficient
    self.heatingPerPulse = heatingPerPulse
    self.coolingTimeConstant = coolingTimeConstant
    self.noise = noise
  }
}

public struct ChargerSettings: Sendable, Equatable {
  /// The bank voltage approaches the set-point as 1 − e^(−t/τ).
  public var timeConstant: Milliseconds
  /// `hv_ready` rises when the bank is within this fraction of the set-point.
  public var readyTolerance: Double
  /// Fraction of the bank voltage one pulse takes (the bank recharges between pulses).
  public var droopPerPulse: Double
  /// Bleed time constant through the dump resistor.
  public var bleedTimeConstant: Milliseconds
  public init(
    timeConstant: Milliseconds, readyTolerance: Double, droopPerPulse: Double, bleedTimeConstant: Milliseconds
  ) {
    self.timeConstant = timeConstant
    self.readyTolerance = readyTolerance
    self.droopPerPulse = droopPerPulse
    self.bleedTimeConstant = bleedTimeConstant
  }
}

public struct RelaySettings: Sendable, Equatable {
  /// Each relay settles after a time drawn uniformly from this range.
  public var settleMin: Milliseconds
  public var settleMax: Milliseconds
  public init(settleMin: Milliseconds, settleMax: Milliseconds) {
    self.settleMin = settleMin
    self.settleMax = settleMax
  }
}

public struct HeatSinkSettings: Sendable, Equatable {
  public var ambient: Celsius
  public var risePerPulse: Celsius
  public var timeConstant: Milliseconds
  public init(ambient: Celsius, risePerPulse: Celsius, timeConstant: Milliseconds) {
    self.ambient = ambient
    self.risePerPulse = risePerPulse
    self.timeConstant = timeConstant
  }
}
