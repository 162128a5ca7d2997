/// Everything a backend can report. Every case names what failed, so that a technician or an
/// engineer bringing up a board can act on the message alone.
public enum HALError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A line the board file names was not found, or could not be requested.
  case lineUnavailable(role: LineRole, detail: String)
  /// A write to an input line, or an edge wait on a line that does not watch edges.
  case wrongDirection(role: LineRole)
  /// The device at `address` did not acknowledge (errno ENXIO/EREMOTEIO on Linux).
  case noAcknowledge(address: UInt8, register: UInt8)
  /// A bus transfer failed for another reason; `errno` is 0 where the backend has none.
  case busError(address: UInt8, register: UInt8, errno: Int32, detail: String)
  /// A chip answered, but not with what its datasheet says (wrong id, a value out of range).
  case unexpectedValue(address: UInt8, register: UInt8, detail: String)
  /// A conversion or a settle that did not complete in time.
  case timeout(String)
  case io(String)

  public var description: String {
    switch self {
    case .lineUnavailable(let role, let detail): "GPIO line \(role.rawValue): \(detail)"
    case .wrongDirection(let role): "GPIO line \(role.rawValue) used against its direction"
    case .noAcknowledge(let address, let register):
      "I2C device \(hex(address)) did not acknowledge (register \(hex(register)))"
    case .busError(let address, let register, let errno, let detail):
      "I2C device \(hex(address)) register \(hex(register)): \(detail)\(errno == 0 ? "" : " (errno \(errno))")"
    case .unexpectedValue(let address, let register, let detail):
      "I2C device \(hex(address)) register \(hex(register)): \(detail)"
    case .timeout(let what): "timed out: \(what)"
    case .io(let what): what
    }
  }
}

/// `0x30`-style hex for addresses and registers in messages.
public func hex(_ byte: UInt8) -> String {
  let digits = String(byte, radix: 16, uppercase: true)
  return "0x" + (digits.count < 2 ? "0" + digits : digits)
}

/// `0x1E5A`-style hex for 16-bit values in messages.
public func hex(_ word: UInt16) -> String {
  let digits = String(word, radix: 16, uppercase: true)
  return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
