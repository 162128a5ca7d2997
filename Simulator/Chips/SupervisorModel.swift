import HAL
import Units

/// The pulse-board supervisor (I2C 0x30, BOARD.md) at register level, words MSB first.
///
/// Registers: 0x00 ID = 0x1E5A; 0x01 WIDTH (µs, 10–100, default 100; another value is refused,
/// keeps the old width and latches STATUS.width_error); 0x02 PULSE_COUNT (16-bit, wrapping);
/// 0x03 LAST_PEAK_CURRENT (10 mA/LSB) and 0x04 LAST_PEAK_VOLTAGE (1 V/LSB), saturating at 0xFFFF;
/// 0x05 STATUS (bit 0 from ``hvReady``, bits 1–3 latched); 0x06 LATCH_CLEAR (0xA5A5 clears the
/// latches, other values are ignored); 0x07 TRAIN_PULSES (1–100, default 1; others refused with
/// width_error); 0x08 TRAIN_PERIOD (µs, ≥ 200, default 200; others refused with width_error);
/// 0x09 SETPOINT, the project's extension: the charger's set-point, 1 V/LSB, 0–3000 (a larger
/// value is ignored); 0x0A SCRATCH, also the project's: reads back the last word written (a
/// liveness check). Other registers read 0 and ignore writes. A byte read returns a word
/// register's first (most significant) byte; byte writes are ignored (every register is a word).
///
/// The rest of the simulated world drives it through ``recordPulses(_:peakCurrent:peakVoltage:)``,
/// ``latch(_:)`` and ``hvReady``, and reads what the controller configured from ``width``,
/// ``trainPulses``, ``trainPeriod`` and ``setpoint``.
public final class SupervisorModel: WordRegisterDevice {
  public static let identity: UInt16 = 0x1E5A

  /// The pulse width the board times (WIDTH, 0x01).
  public var width = Microseconds(100)
  /// Pulses per fire edge (TRAIN_PULSES, 0x07).
  public var trainPulses = 1
  /// Period inside a train (TRAIN_PERIOD, 0x08).
  public var trainPeriod = Microseconds(200)
  /// The charger's set-point (SETPOINT, 0x09).
  public var setpoint = Volts(0)
  /// SCRATCH (0x0A), the project's extension: reads back what was written, for liveness.
  public var scratch: UInt16 = 0
  /// PULSE_COUNT (0x02).
  public var count: UInt16 = 0
  /// LAST_PEAK_CURRENT (0x03), raw, 10 mA/LSB.
  public var peakCurrentRaw: UInt16 = 0
  /// LAST_PEAK_VOLTAGE (0x04), raw, 1 V/LSB.
  public var peakVoltageRaw: UInt16 = 0
  /// STATUS bits 1–3 (only the latch bits are kept; bit 0 comes from ``hvReady``).
  public var latched: SupervisorStatus = [] {
    didSet { latched.formIntersection(SupervisorStatus.latches) }
  }
  /// STATUS bit 0: whether the charger reports the bank at its set-point.
  public var hvReady: () -> Bool

  /// The time, for trains whose measurements post when they end.
  public var now: () -> Instant = { Instant(nanoseconds: 0) }
  /// A train in flight: its count and peaks post at `completesAt`, as the real board updates
  /// its registers only once the train is over. Held as a value, so that a pulse allocates
  /// nothing.
  private var inFlight:
    (completesAt: Instant, pulses: Int, current: Amperes, voltage: Volts, trip: SupervisorStatus)?

  public init(hvReady: @escaping () -> Bool = { false }) {
    self.hvReady = hvReady
  }

  /// A train of `n` pulses was fired; its measurements (and any hardware latch `trip`) post
  /// at `completesAt`.
  public func train(
    _ n: Int, peakCurrent: Amperes, peakVoltage: Volts, completesAt: Instant, trip: SupervisorStatus = []
  ) {
    settle()
    inFlight = (completesAt, n, peakCurrent, peakVoltage, trip)
    settle()
  }

  /// Posts a train whose time has come.
  public func settle() {
    let instant = now()  // first: looking at the time lets the world post what is pending
    guard let train = inFlight, instant >= train.completesAt else { return }
    inFlight = nil
    recordPulses(train.pulses, peakCurrent: train.current, peakVoltage: train.voltage)
    latch(train.trip)
  }

  /// The board delivered `n` pulses (a train): the counter advances by `n`, wrapping at 16 bits,
  /// and the peak registers hold this train's peaks (rounded, saturating at 0 and 0xFFFF).
  public func recordPulses(_ n: Int, peakCurrent: Amperes, peakVoltage: Volts) {
    guard n > 0 else { return }
    count &+= UInt16(truncatingIfNeeded: n)
    peakCurrentRaw = SupervisorModel.saturated(peakCurrent.value / 0.01)
    peakVoltageRaw = SupervisorModel.saturated(peakVoltage.value)
  }

  /// Latches hardware faults (STATUS bits 1–3; bit 0 is ignored here).
  public func latch(_ status: SupervisorStatus) {
    latched.formUnion(status.intersection(SupervisorStatus.latches))
  }

  /// STATUS (0x05) as the controller would read it now.
  public var status: SupervisorStatus {
    settle()
    return hvReady() ? latched.union(.hvReady) : latched
  }

  public func write(_ value: UInt16, to register: UInt8) {
    switch register {
    case 0x01:
      if (10...100).contains(value) { width = Microseconds(Int(value)) } else { latch(.widthError) }
    case 0x06:
      if value == 0xA5A5 { latched = [] }
    case 0x07:
      if (1...100).contains(value) { trainPulses = Int(value) } else { latch(.widthError) }
    case 0x08:
      if value >= 200 { trainPeriod = Microseconds(Int(value)) } else { latch(.widthError) }
    case 0x09:
      if value <= 3000 { setpoint = Volts(Double(value)) }
    case 0x0A:
      scratch = value
    default:
      break
    }
  }

  public func word(at register: UInt8) -> UInt16 {
    settle()
    return switch register {
    case 0x00: SupervisorModel.identity
    case 0x01: UInt16(clamping: width.value)
    case 0x02: count
    case 0x03: peakCurrentRaw
    case 0x04: peakVoltageRaw
    case 0x05: status.rawValue
    case 0x07: UInt16(clamping: trainPulses)
    case 0x08: UInt16(clamping: trainPeriod.value)
    case 0x09: SupervisorModel.saturated(setpoint.value)
    case 0x0A: scratch
    default: 0
    }
  }

  private static func saturated(_ value: Double) -> UInt16 {
    guard value.isFinite else { return value > 0 ? UInt16.max : 0 }
    let rounded = value.rounded()
    if rounded <= 0 { return 0 }
    if rounded >= Double(UInt16.max) { return UInt16.max }
    return UInt16(rounded)
  }
}
