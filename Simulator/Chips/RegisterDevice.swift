/// A chip on the simulated I2C bus, seen at register level.
///
/// Words are given in wire order (`first` is the byte that travels first), exactly as the chip
/// sends or expects them; the bus, not the chip, turns them into SMBus words. A model returns 0
/// for a register it does not have and ignores writes to it, as real chips acknowledge any
/// pointer value; it throws only to model a fault.
public protocol RegisterDevice: AnyObject {
  func readByte(register: UInt8) throws -> UInt8
  func writeByte(register: UInt8, value: UInt8) throws
  func readWord(register: UInt8) throws -> (first: UInt8, second: UInt8)
  func writeWord(register: UInt8, first: UInt8, second: UInt8) throws
}

extension UInt16 {
  /// This value as a big-endian (most significant byte first) pair in wire order.
  var msbFirst: (first: UInt8, second: UInt8) {
    (first: UInt8(truncatingIfNeeded: self >> 8), second: UInt8(truncatingIfNeeded: self))
  }

  /// The value of a big-endian (most significant byte first) pair in wire order.
  init(msbFirst first: UInt8, _ second: UInt8) {
    self = UInt16(first) << 8 | UInt16(second)
  }
}

/// A chip whose registers are all 16 bits wide, sent most significant byte first (the
/// supervisor, ADS1115, TMP117). It describes its registers as words; the wire order, and the
/// byte transfers such chips answer with their first byte and otherwise ignore, are here once.
public protocol WordRegisterDevice: RegisterDevice {
  /// The value of `register` as the chip would send it now.
  func word(at register: UInt8) -> UInt16
  /// A word written to `register`.
  func write(_ value: UInt16, to register: UInt8)
}

extension WordRegisterDevice {
  public func readWord(register: UInt8) throws -> (first: UInt8, second: UInt8) {
    word(at: register).msbFirst
  }

  public func writeWord(register: UInt8, first: UInt8, second: UInt8) throws {
    write(UInt16(msbFirst: first, second), to: register)
  }

  public func readByte(register: UInt8) throws -> UInt8 { word(at: register).msbFirst.first }

  public func writeByte(register: UInt8, value: UInt8) throws {}
}
