import HAL
import Simulator
import Units

/// A chip that answers every word read with the same value (MSB first, as the board's chips
/// send) and every byte read with the same byte, and ignores writes: a stuck or foreign chip.
final class FixedDevice: RegisterDevice {
  var word: UInt16
  var byte: UInt8
  private(set) var writes: [(register: UInt8, value: UInt16)] = []

  init(word: UInt16 = 0, byte: UInt8 = 0) {
    self.word = word
    self.byte = byte
  }

  func readByte(register: UInt8) throws -> UInt8 { byte }
  func writeByte(register: UInt8, value: UInt8) throws { writes.append((register, UInt16(value))) }
  func readWord(register: UInt8) throws -> (first: UInt8, second: UInt8) {
    (first: UInt8(truncatingIfNeeded: word >> 8), second: UInt8(truncatingIfNeeded: word))
  }
  func writeWord(register: UInt8, first: UInt8, second: UInt8) throws {
    writes.append((register, UInt16(first) << 8 | UInt16(second)))
  }
}

/// A virtual clock and a simulated bus, as every driver test needs.
struct Bench {
  let clock = SimulatedClock()
  let bus: SimulatedSMBus

  init() { bus = SimulatedSMBus(clock: clock) }
}

func isClose(_ a: Double, _ b: Double, within tolerance: Double = 1e-9) -> Bool {
  abs(a - b) <= tolerance
}

extension HALError {
  var register: UInt8? {
    switch self {
    case .noAcknowledge(_, let register), .busError(_, let register, _, _),
      .unexpectedValue(_, let register, _):
      register
    default: nil
    }
  }
}
