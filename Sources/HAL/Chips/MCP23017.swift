/// Driver for a Microchip MCP23017 16-bit I/O expander as used by the electrode matrix
/// (I2C 0x20 for the + bus, 0x21 for the − bus): port A bits 0–5 drive the relays of probes 1–6,
/// port B bits 0–5 read their auxiliary contacts back.
///
/// Registers (MCP23017 datasheet, Table 3-1, IOCON.BANK = 0, byte transfers):
/// - 0x00 IODIRA, 0x01 IODIRB: direction, 1 = input (reset 0xFF)
/// - 0x12 GPIOA, 0x13 GPIOB: port values (a write to GPIOx writes OLATx)
/// - 0x14 OLATA: port A output latch
public final class MCP23017 {
  /// Pointer values of the registers this driver uses (IOCON.BANK = 0).
  enum Register: UInt8 {
    case iodirA = 0x00
    case iodirB = 0x01
    case gpioA = 0x12
    case gpioB = 0x13
    case olatA = 0x14
    case olatB = 0x15
  }

  /// The port A bits that drive relays (bits 0–5); bits 6–7 stay inputs.
  public static let relayMask: UInt8 = 0x3F
  /// IODIRA for the relay port: bits 0–5 outputs, bits 6–7 inputs.
  public static let relayDirectionA: UInt8 = 0xC0
  /// IODIRB for the read-back port: all inputs.
  public static let relayDirectionB: UInt8 = 0xFF

  public let bus: any SMBus
  public let address: UInt8

  public init(bus: any SMBus, address: UInt8) {
    self.bus = bus
    self.address = address
  }

  /// Sets the ports up for the relay matrix: OLATA = 0 first (so that the outputs come up off),
  /// then IODIRA = 0xC0 (bits 0–5 outputs) and IODIRB = 0xFF (inputs); reads OLATA, IODIRA and
  /// IODIRB back and throws `unexpectedValue` on any difference.
  public func configureRelayPorts() throws {
    try write(.olatA, 0)
    try write(.iodirA, MCP23017.relayDirectionA)
    try write(.iodirB, MCP23017.relayDirectionB)
    try expect(.olatA, 0, "OLATA")
    try expect(.iodirA, MCP23017.relayDirectionA, "IODIRA")
    try expect(.iodirB, MCP23017.relayDirectionB, "IODIRB")
  }

  /// Writes OLATA (0x14), the relay drive. Only bits 0–5 may be set; anything else is refused
  /// before the bus is touched.
  public func writeOutputs(_ bits: UInt8) throws {
    guard bits & ~MCP23017.relayMask == 0 else {
      throw HALError.unexpectedValue(
        address: address, register: Register.olatA.rawValue,
        detail: "refused: OLATA \(hex(bits)) sets bits outside the relay outputs \(hex(MCP23017.relayMask))")
    }
    try write(.olatA, bits)
  }

  /// OLATA (0x14): what port A was last commanded to drive.
  public func outputLatch() throws -> UInt8 { try read(.olatA) }

  /// GPIOB (0x13), masked to bits 0–5: the relays' auxiliary contacts.
  public func inputs() throws -> UInt8 { try read(.gpioB) & MCP23017.relayMask }

  /// IODIRA (0x00).
  public func directionA() throws -> UInt8 { try read(.iodirA) }

  /// IODIRB (0x01).
  public func directionB() throws -> UInt8 { try read(.iodirB) }

  /// Writes `nonce` to OLATB (0x15) and reads it back. Port B is all inputs, so its output
  /// latch drives nothing: it is free to prove the expander is answering now rather than
  /// replaying frozen registers.
  public func verifyAlive(nonce: UInt8) throws {
    try write(.olatB, nonce)
    try expect(.olatB, nonce, "OLATB (liveness)")
  }

  private func read(_ register: Register) throws -> UInt8 {
    try bus.readByte(address: address, register: register.rawValue)
  }

  private func write(_ register: Register, _ value: UInt8) throws {
    try bus.writeByte(address: address, register: register.rawValue, value: value)
  }

  private func expect(_ register: Register, _ value: UInt8, _ name: String) throws {
    let found = try read(register)
    guard found == value else {
      throw HALError.unexpectedValue(
        address: address, register: register.rawValue,
        detail: "\(name) read back \(hex(found)), wrote \(hex(value))")
    }
  }
}
