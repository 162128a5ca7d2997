import Protocol
import Units

/// The HV charger and the capacitor bank, as the bank voltage over time.
///
/// The voltage is analytic between changes: with the charger on and the bleed released it rises
/// towards the set-point as 1 − e^(−t/τ); with the bleed engaged it falls to zero through the
/// dump resistor; otherwise it holds. Any change (an output moving, a pulse taking its share of
/// the charge) starts a new segment from the voltage at that moment.
public struct Charger {
  public let settings: ChargerSettings
  private var segmentStart: Instant
  private var startVoltage = Volts(0)
  private var target = Volts(0)
  private var timeConstant: Nanoseconds?
  public private(set) var hvEnable = false
  public private(set) var bleedRelease = false
  /// What the charger regulates to (the supervisor's set-point register).
  public private(set) var setpoint = Volts(0)
  /// The fraction of the set-point the charger can really reach (1; less when it sags).
  public private(set) var ceiling = 1.0

  public init(settings: ChargerSettings, start: Instant) {
    self.settings = settings
    self.segmentStart = start
  }

  public func voltage(at instant: Instant) -> Volts {
    guard let tau = timeConstant else { return startVoltage }
    let decay = exp(-Double((instant - segmentStart).value) / Double(tau.value))
    return target + (startVoltage - target) * decay
  }

  /// `hv_ready`: the charger is on and the bank is at its set-point.
  public func ready(at instant: Instant) -> Bool {
    hvEnable && bleedRelease && setpoint.value > 0
      && (voltage(at: instant) - setpoint).magnitude <= setpoint * settings.readyTolerance
  }

  public mutating func set(hvEnable: Bool, bleedRelease: Bool, setpoint: Volts, at instant: Instant) {
    let now = voltage(at: instant)
    self.hvEnable = hvEnable
    self.bleedRelease = bleedRelease
    self.setpoint = setpoint
    begin(from: now, at: instant)
  }

  /// Fault injection: the HV supply sags to `fraction` of what it should give; the bank drops
  /// to it at once if it was above.
  public mutating func sag(to fraction: Double, at instant: Instant) {
    ceiling = fraction
    let now = voltage(at: instant)
    let limit = setpoint * fraction
    begin(from: hvEnable && bleedRelease && now > limit ? limit : now, at: instant)
  }

  /// A pulse (or a train of `count`) takes its share of the charge.
  public mutating func discharge(pulses count: Int, at instant: Instant) {
    var now = voltage(at: instant)
    for _ in 0..<count { now = now * (1 - settings.droopPerPulse) }
    begin(from: now, at: instant)
  }

  private mutating func begin(from voltage: Volts, at instant: Instant) {
    segmentStart = instant
    startVoltage = voltage
    if !bleedRelease {
      target = Volts(0)
      timeConstant = settings.bleedTimeConstant.nanoseconds
    } else if hvEnable {
      target = setpoint * ceiling
      timeConstant = settings.timeConstant.nanoseconds
    } else {
      target = voltage
      timeConstant = nil
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
