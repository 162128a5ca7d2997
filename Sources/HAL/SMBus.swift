/// An SMBus (I2C) adapter, as `/dev/i2c-N` offers it.
///
/// Word transfers follow the SMBus convention: the first byte on the wire is the *low* byte of
/// the value. The chips on the reference board send their most significant byte first, so their
/// drivers swap the bytes of every word; the simulator's register models put bytes on the wire
/// in the chips' order, so a driver that forgets to swap fails its tests.
public protocol SMBus: AnyObject {
  /// SMBus "read byte data" (`i2c_smbus_read_byte_data`).
  func readByte(address: UInt8, register: UInt8) throws -> UInt8
  /// SMBus "write byte data" (`i2c_smbus_write_byte_data`).
  func writeByte(address: UInt8, register: UInt8, value: UInt8) throws
  /// SMBus "read word data" (`i2c_smbus_read_word_data`): first byte received in the low byte.
  func readWord(address: UInt8, register: UInt8) throws -> UInt16
  /// SMBus "write word data" (`i2c_smbus_write_word_data`): the low byte is sent first.
  func writeWord(address: UInt8, register: UInt8, value: UInt16) throws
}

extension SMBus {
  /// A word register of a chip that sends its most significant byte first (every chip of the
  /// reference board): the SMBus word, swapped. The one place that swap is written.
  public func readWordMSBFirst(address: UInt8, register: UInt8) throws -> UInt16 {
    try readWord(address: address, register: register).byteSwapped
  }

  /// Writes `value` to a chip that expects its most significant byte first.
  public func writeWordMSBFirst(address: UInt8, register: UInt8, value: UInt16) throws {
    try writeWord(address: address, register: register, value: value.byteSwapped)
  }
}
