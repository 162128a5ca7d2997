import Units

/// The TI TMP117 temperature sensor at register level, words MSB first (datasheet 7.6
/// "Register Map").
///
/// - 0x00 Temp_Result: the temperature now, round(t / 7.8125 m°C) as a signed 16-bit value
///   (clamped); 0x8000 while ``conversionReady`` is false, as after a reset.
/// - 0x01 Configuration, default 0x0220, stored.
/// - 0x02 THigh_Limit (default 0x6000), 0x03 TLow_Limit (default 0x8000), stored.
/// - 0x0F Device_ID = 0x0117.
/// Other pointer values read 0 and ignore writes. A byte read returns a register's first byte;
/// byte writes are ignored.
public final class TMP117Model: WordRegisterDevice {
  public static let identity: UInt16 = 0x0117
  public static let defaultConfiguration: UInt16 = 0x0220

  /// Whether a conversion has completed since reset; `false` makes Temp_Result read 0x8000.
  public var conversionReady = true
  /// The Configuration register.
  public private(set) var configuration = TMP117Model.defaultConfiguration
  private var highLimit: UInt16 = 0x6000
  private var lowLimit: UInt16 = 0x8000
  private let temperature: () -> Celsius

  public init(temperature: @escaping () -> Celsius) {
    self.temperature = temperature
  }

  public func write(_ value: UInt16, to register: UInt8) {
    switch register {
    case 0x01: configuration = value
    case 0x02: highLimit = value
    case 0x03: lowLimit = value
    default: break
    }
  }

  public func word(at register: UInt8) -> UInt16 {
    switch register {
    case 0x00:
      guard conversionReady else { return 0x8000 }
      let code = (temperature().value / 0.0078125).rounded()
      guard code.isFinite else { return 0x8000 }
      return UInt16(bitPattern: Int16(min(max(code, -32768), 32767)))
    case 0x01: return configuration
    case 0x02: return highLimit
    case 0x03: return lowLimit
    case 0x0F: return TMP117Model.identity
    default: return 0
    }
  }
}
