import HAL

/// A chip whose registers froze (fault injection, `sensor-stuck`): every register reads what it
/// read the first time it was looked at after the freeze, and writes change nothing. It still
/// acknowledges: only a driver that checks the chip follows its writes can tell.
final class FrozenDevice: RegisterDevice {
  let original: any RegisterDevice
  private var bytes: [UInt8: UInt8] = [:]
  private var words: [UInt8: (first: UInt8, second: UInt8)] = [:]

  init(freezing original: any RegisterDevice) { self.original = original }

  func readByte(register: UInt8) throws -> UInt8 {
    if let frozen = bytes[register] { return frozen }
    let value = try original.readByte(register: register)
    bytes[register] = value
    return value
  }

  func writeByte(register: UInt8, value: UInt8) throws {}

  func readWord(register: UInt8) throws -> (first: UInt8, second: UInt8) {
    if let frozen = words[register] { return frozen }
    let value = try original.readWord(register: register)
    words[register] = value
    return value
  }

  func writeWord(register: UInt8, first: UInt8, second: UInt8) throws {}
}
