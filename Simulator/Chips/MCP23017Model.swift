/// The Microchip MCP23017 I/O expander at register level (datasheet Table 3-1, IOCON.BANK = 0;
/// the BANK bit is stored but the model always maps registers as BANK = 0).
///
/// - IODIRA 0x00, IODIRB 0x01: reset 0xFF (all inputs).
/// - GPIOA 0x12: a read returns OLATA for output bits and ``inputsA`` for input bits; a write
///   writes OLATA.
/// - GPIOB 0x13: a read returns `inputsB()` for input bits and OLATB for output bits; a write
///   writes OLATB.
/// - OLATA 0x14, OLATB 0x15: output latches, reset 0.
/// - The other registers (0x02–0x11) are stored and read back, with no effect.
/// Whenever OLATA or IODIRA changes, `onOutputs(OLATA & ~IODIRA)` reports what port A drives
/// (bits configured as inputs float, reported as 0). A word transfer reads or writes the
/// register and the next one (sequential operation); pointers past 0x15 read 0.
public final class MCP23017Model: RegisterDevice {
  static let registerCount = 0x16

  /// Port A's input pins (bits configured as inputs); 0 unless set.
  public var inputsA: () -> UInt8 = { 0 }
  private let inputsB: () -> UInt8
  private let onOutputs: (UInt8) -> Void
  private var registers: [UInt8]

  public init(inputsB: @escaping () -> UInt8, onOutputs: @escaping (UInt8) -> Void) {
    self.inputsB = inputsB
    self.onOutputs = onOutputs
    registers = Array(repeating: 0, count: MCP23017Model.registerCount)
    registers[0x00] = 0xFF
    registers[0x01] = 0xFF
  }

  public var iodirA: UInt8 { registers[0x00] }
  public var iodirB: UInt8 { registers[0x01] }
  public var olatA: UInt8 { registers[0x14] }
  public var olatB: UInt8 { registers[0x15] }
  /// What port A drives: OLATA on its output bits.
  public var drivenA: UInt8 { olatA & ~iodirA }

  public func readByte(register: UInt8) throws -> UInt8 {
    switch register {
    case 0x12: return (olatA & ~iodirA) | (inputsA() & iodirA)
    case 0x13: return (olatB & ~iodirB) | (inputsB() & iodirB)
    case 0..<UInt8(MCP23017Model.registerCount): return registers[Int(register)]
    default: return 0
    }
  }

  public func writeByte(register: UInt8, value: UInt8) throws {
    let target: UInt8
    switch register {
    case 0x12: target = 0x14
    case 0x13: target = 0x15
    case 0..<UInt8(MCP23017Model.registerCount): target = register
    default: return
    }
    let old = registers[Int(target)]
    registers[Int(target)] = value
    if old != value, target == 0x14 || target == 0x00 {
      onOutputs(drivenA)
    }
  }

  public func readWord(register: UInt8) throws -> (first: UInt8, second: UInt8) {
    (first: try readByte(register: register), second: try readByte(register: register &+ 1))
  }

  public func writeWord(register: UInt8, first: UInt8, second: UInt8) throws {
    try writeByte(register: register, value: first)
    try writeByte(register: register &+ 1, value: second)
  }
}
