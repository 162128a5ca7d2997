import Units

/// Driver for the TI TMP117 temperature sensor (I2C 0x49 on the reference board: the HV switch
/// heat-sink).
///
/// Registers (TMP117 datasheet, 7.6 "Register Map"):
/// - 0x00 Temp_Result, signed 16-bit, 7.8125 m°C/LSB, MSB first; 0x8000 after reset until the
///   first conversion completes
/// - 0x0F Device_ID (= 0x0117: DID 0x117, revision 0)
public final class TMP117 {
  public static let defaultAddress: UInt8 = 0x49
  /// Pointer value of the Temp_Result register.
  static let temperatureRegister: UInt8 = 0x00
  /// Pointer value of the Device_ID register.
  static let deviceIDRegister: UInt8 = 0x0F
  /// T_Low_Limit, used as a liveness scratch register.
  static let lowLimitRegister: UInt8 = 0x03
  /// The value of Device_ID.
  public static let expectedIdentity: UInt16 = 0x0117
  /// Temp_Result's reset value: no conversion has completed yet.
  public static let invalidTemperature: UInt16 = 0x8000
  /// °C per LSB of Temp_Result.
  public static let celsiusPerCount = 0.0078125

  public let bus: any SMBus
  public let address: UInt8

  public init(bus: any SMBus, address: UInt8 = TMP117.defaultAddress) {
    self.bus = bus
    self.address = address
  }

  /// The Device_ID register (0x0F).
  public func identity() throws -> UInt16 {
    try bus.readWordMSBFirst(address: address, register: TMP117.deviceIDRegister)
  }

  /// Writes `nonce` to T_Low_Limit (0x03) and reads it back. The controller does not use the
  /// ALERT function, so the limit register is free to prove that the chip is answering now
  /// rather than replaying frozen registers.
  public func verifyAlive(nonce: UInt16) throws {
    try bus.writeWordMSBFirst(address: address, register: TMP117.lowLimitRegister, value: nonce)
    let found = try bus.readWordMSBFirst(address: address, register: TMP117.lowLimitRegister)
    guard found == nonce else {
      throw HALError.unexpectedValue(
        address: address, register: TMP117.lowLimitRegister,
        detail: "T_Low_Limit (liveness) read back \(hex(found)), wrote \(hex(nonce))")
    }
  }

  /// Reads Device_ID (0x0F) and throws `unexpectedValue` unless it is 0x0117.
  public func verifyIdentity() throws {
    let found = try identity()
    guard found == TMP117.expectedIdentity else {
      throw HALError.unexpectedValue(
        address: address, register: TMP117.deviceIDRegister,
        detail: "TMP117 Device_ID: expected \(hex(TMP117.expectedIdentity)), found \(hex(found))")
    }
  }

  /// The Temp_Result register (0x00): signed, 7.8125 m°C/LSB. Throws `unexpectedValue` for
  /// 0x8000, the chip's "no conversion yet" value.
  public func temperature() throws -> Celsius {
    let raw = try bus.readWordMSBFirst(address: address, register: TMP117.temperatureRegister)
    guard raw != TMP117.invalidTemperature else {
      throw HALError.unexpectedValue(
        address: address, register: TMP117.temperatureRegister,
        detail: "TMP117 Temp_Result is \(hex(raw)): no conversion has completed")
    }
    return Celsius(Double(Int16(bitPattern: raw)) * TMP117.celsiusPerCount)
  }
}
