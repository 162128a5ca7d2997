import Units

/// Driver for the TI ADS1115 16-bit ADC (I2C 0x48 on the reference board), used in single-shot
/// mode at ±4.096 V full scale and 860 SPS.
///
/// Registers (ADS1115 datasheet, 8.6 "Register Map"; pointer register values):
/// - 0x00 Conversion register, signed 16-bit, MSB first
/// - 0x01 Config register: OS (bit 15), MUX[2:0] (14:12), PGA[2:0] (11:9), MODE (8),
///   DR[2:0] (7:5), COMP_MODE (4), COMP_POL (3), COMP_LAT (2), COMP_QUE[1:0] (1:0)
public final class ADS1115 {
  public static let defaultAddress: UInt8 = 0x48
  /// Pointer value of the Conversion register.
  static let conversionRegister: UInt8 = 0x00
  /// Pointer value of the Config register.
  static let configRegister: UInt8 = 0x01

  /// Config.OS (bit 15): write 1 to start a single conversion; reads 1 when no conversion is in
  /// progress.
  static let osBit: UInt16 = 1 << 15
  /// Lo_thresh, used as a liveness scratch register.
  static let loThresholdRegister: UInt8 = 0x02
  /// Config bit 2, COMP_LAT: meaningless with the comparator off, so free to vary.
  static let compLatBit: UInt16 = 1 << 2
  /// Config.MUX[2:0] (bits 14:12).
  static let muxMask: UInt16 = 0b111 << 12
  /// Config.PGA[2:0] (bits 11:9).
  static let pgaMask: UInt16 = 0b111 << 9
  /// Config.PGA = 001: FSR ±4.096 V.
  static let pga4V096: UInt16 = 0b001 << 9
  /// Config.MODE (bit 8) = 1: single-shot.
  static let singleShot: UInt16 = 1 << 8
  /// Config.DR[2:0] = 111: 860 SPS.
  static let dr860: UInt16 = 0b111 << 5
  /// Config.COMP_QUE[1:0] = 11: comparator disabled (COMP_MODE, COMP_POL, COMP_LAT at 0).
  static let comparatorDisabled: UInt16 = 0b00011

  /// The full scale at PGA = 001: the ADC measures -4.096 V to +4.096 V.
  public static let fullScale = Volts(4.096)
  /// Volts per LSB of the Conversion register at PGA = 001 (4.096 V / 32768).
  public static let voltsPerCount = 4.096 / 32768

  /// Time to wait after starting a conversion before the first poll (one 860 SPS period is
  /// 1.163 ms; the oscillator may run up to 10 % slow).
  public static let conversionWait = Nanoseconds.microseconds(1_200)
  /// Time between polls of Config.OS.
  public static let pollInterval = Nanoseconds.microseconds(100)
  /// Polls of Config.OS before giving up (about 3 ms more after the first wait).
  public static let maximumPolls = 30

  public let bus: any SMBus
  public let address: UInt8
  public let clock: any MonotonicClock
  private var latchNonce = false

  public init(bus: any SMBus, address: UInt8 = ADS1115.defaultAddress, clock: any MonotonicClock) {
    self.bus = bus
    self.address = address
    self.clock = clock
  }

  /// The Config register word that starts one single-shot conversion of `channel`:
  /// OS = 1, MUX = 100 + channel, PGA = 001, MODE = 1, DR = 111, COMP_QUE = 11 (0xC3E3 for AIN0).
  public static func configWord(for channel: ADCChannel) -> UInt16 {
    osBit | (UInt16(0b100 + channel.rawValue) << 12) | pga4V096 | singleShot | dr860 | comparatorDisabled
  }

  /// Measures `channel` against GND once: writes the Config register (starting a single-shot
  /// conversion), waits about 1.2 ms, polls Config.OS until the conversion is done (bounded;
  /// `HALError.timeout` otherwise), checks that the Config register still holds the MUX and
  /// PGA written, and reads the Conversion register (signed, 4.096 V / 32768 per LSB).
  ///
  /// A conversion at either end of the code range (0x7FFF, 0x8000) is not a voltage: the input
  /// is at or beyond the full scale, and the chip clamps it there, so that a bank far above its
  /// set-point would read as 4.096 V times the divider. It is a sensor fault
  /// (`HALError.unexpectedValue`, "clipped"), never a value.
  public func readSingleEnded(_ channel: ADCChannel) throws -> Volts {
    // COMP_LAT (bit 2) means nothing with the comparator disabled (COMP_QUE = 11); it changes
    // with every conversion so that the full Config read back proves the chip took this write
    // and is not replaying frozen registers.
    let config = ADS1115.configWord(for: channel) | (latchNonce ? ADS1115.compLatBit : 0)
    latchNonce.toggle()
    try writeWord(ADS1115.configRegister, config)
    clock.sleep(for: ADS1115.conversionWait)
    var polls = 0
    var status = try readWord(ADS1115.configRegister)
    while status & ADS1115.osBit == 0 {
      polls += 1
      guard polls < ADS1115.maximumPolls else {
        throw HALError.timeout(
          "ADS1115 at \(hex(address)): conversion of AIN\(channel.rawValue) not done after \(polls) polls "
            + "of Config.OS (last Config \(hex(status)))")
      }
      clock.sleep(for: ADS1115.pollInterval)
      status = try readWord(ADS1115.configRegister)
    }
    let expected = config & ~ADS1115.osBit
    let found = status & ~ADS1115.osBit
    guard found == expected else {
      throw HALError.unexpectedValue(
        address: address, register: ADS1115.configRegister,
        detail: "Config read back \(hex(found)), wrote \(hex(expected)) (Config \(hex(status)))")
    }
    let raw = Int16(bitPattern: try readWord(ADS1115.conversionRegister))
    guard raw != Int16.max, raw != Int16.min else {
      let rail = raw == Int16.max ? "+" : "-"
      throw HALError.unexpectedValue(
        address: address, register: ADS1115.conversionRegister,
        detail:
          "AIN\(channel.rawValue) clipped: the ADC is clipped at its \(rail)\(ADS1115.fullScale) full scale"
          + " (conversion \(hex(UInt16(bitPattern: raw)))); the input is beyond what it can measure")
    }
    return Volts(Double(raw) * ADS1115.voltsPerCount)
  }

  /// Writes `nonce` to Lo_thresh (0x02) and reads it back. With the comparator disabled
  /// (COMP_QUE = 11) the threshold does nothing, so it proves the chip answers now rather than
  /// replaying frozen registers (the Config nonce alone matches a frozen chip every other time).
  public func verifyAlive(nonce: UInt16) throws {
    try writeWord(ADS1115.loThresholdRegister, nonce)
    let found = try readWord(ADS1115.loThresholdRegister)
    guard found == nonce else {
      throw HALError.unexpectedValue(
        address: address, register: ADS1115.loThresholdRegister,
        detail: "Lo_thresh (liveness) read back \(hex(found)), wrote \(hex(nonce))")
    }
  }

  // MARK: - Word transfers (MSB first on the wire)

  private func readWord(_ register: UInt8) throws -> UInt16 {
    try bus.readWordMSBFirst(address: address, register: register)
  }

  private func writeWord(_ register: UInt8, _ value: UInt16) throws {
    try bus.writeWordMSBFirst(address: address, register: register, value: value)
  }
}
