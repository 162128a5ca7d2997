import CI2C
import HAL
import Units

#if canImport(Glibc)
  import Glibc
#endif

/// An I2C adapter through the kernel's `i2c-dev` interface (`/dev/i2c-N`) and libi2c's SMBus
/// transfers. The chip drivers of the HAL run on it unchanged, as they run on the simulator's
/// register models.
///
/// A transfer that fails with an error a noisy bus can cause (lost arbitration, a timeout, a
/// missing acknowledge, a garbled byte) is tried again, `attempts` times in all, a short pause
/// apart; any other error, and the last transient one, is reported with its errno. A register
/// write is idempotent on every chip of the board, so a retried write is harmless.
public final class LinuxSMBus: SMBus {
  public let bus: Int
  public let path: String
  /// Tries per transfer, the first one included.
  public let attempts: Int
  private let pause: Nanoseconds
  private var fd: Int32
  /// The address the last `I2C_SLAVE` ioctl selected: selecting costs a system call.
  private var selected: UInt8?

  /// Opens `/dev/i2c-<bus>` (`open(2)`).
  public init(bus: Int, attempts: Int = 3, pause: Nanoseconds = .microseconds(200)) throws(HALError) {
    self.bus = bus
    self.path = "/dev/i2c-\(bus)"
    self.attempts = max(1, attempts)
    self.pause = pause
    let path = self.path
    do {
      fd = try SystemCall.check("open \(path)") { open(path, O_RDWR | O_CLOEXEC) }
    } catch {
      throw .io("I2C bus \(bus): \(error)\(LinuxSMBus.advice(for: error.errno, path: path))")
    }
  }

  deinit { close(fd) }

  /// What an engineer bringing up a board should check, for the errors of `open`: for a
  /// missing permission, the file's group and mode and the command that fixes it
  /// (`DeviceAccess`).
  static func advice(for code: Int32, path: String) -> String {
    switch code {
    case ENOENT:
      "; \(path) does not exist: enable the bus (device tree, e.g. dtparam=i2c_arm=on) and load i2c-dev"
    default: DeviceAccess.advice(for: code, path: path, conventionalGroup: "i2c")
    }
  }

  /// `i2c_smbus_read_byte_data`.
  public func readByte(address: UInt8, register: UInt8) throws -> UInt8 {
    let fd = self.fd
    return UInt8(
      truncatingIfNeeded: try transfer("i2c_smbus_read_byte_data", address, register) {
        i2c_smbus_read_byte_data(fd, register)
      })
  }

  /// `i2c_smbus_write_byte_data`.
  public func writeByte(address: UInt8, register: UInt8, value: UInt8) throws {
    let fd = self.fd
    _ = try transfer("i2c_smbus_write_byte_data", address, register) {
      i2c_smbus_write_byte_data(fd, register, value)
    }
  }

  /// `i2c_smbus_read_word_data`: the first byte on the wire is the low byte of the result.
  public func readWord(address: UInt8, register: UInt8) throws -> UInt16 {
    let fd = self.fd
    return UInt16(
      truncatingIfNeeded: try transfer("i2c_smbus_read_word_data", address, register) {
        i2c_smbus_read_word_data(fd, register)
      })
  }

  /// `i2c_smbus_write_word_data`: the low byte of `value` goes on the wire first.
  public func writeWord(address: UInt8, register: UInt8, value: UInt16) throws {
    let fd = self.fd
    _ = try transfer("i2c_smbus_write_word_data", address, register) {
      i2c_smbus_write_word_data(fd, register, value)
    }
  }

  /// Errors a transfer may not repeat: lost arbitration, a bus timeout, an I/O error, and no
  /// acknowledge.
  static func isTransient(_ code: Int32) -> Bool {
    code == EAGAIN || code == ETIMEDOUT || code == EIO || isNoAcknowledge(code)
  }

  /// No device answered: ENXIO from most adapters, EREMOTEIO from some (the Raspberry Pi's),
  /// ENODEV from i2c-stub.
  static func isNoAcknowledge(_ code: Int32) -> Bool {
    code == ENXIO || code == EREMOTEIO || code == ENODEV
  }

  private func transfer(
    _ call: String, _ address: UInt8, _ register: UInt8, _ body: () -> Int32
  ) throws(HALError) -> Int32 {
    var attempt = 1
    while true {
      do {
        try select(address, register)
        return try SystemCall.check(call, body)
      } catch {
        guard LinuxSMBus.isTransient(error.errno), attempt < attempts else {
          let tries = attempt == 1 ? "" : " after \(attempt) attempts"
          let detail =
            LinuxSMBus.isNoAcknowledge(error.errno)
            ? "no acknowledge on \(path)\(tries): \(error)" : "\(error) on \(path)\(tries)"
          throw .busError(address: address, register: register, errno: error.errno, detail: detail)
        }
        attempt += 1
        PosixTime.sleepAbsolute(until: PosixTime.monotonicNow() + pause)
      }
    }
  }

  /// `ioctl(fd, I2C_SLAVE, address)`, when the address changes.
  private func select(_ address: UInt8, _ register: UInt8) throws(SystemError) {
    guard selected != address else { return }
    let fd = self.fd
    _ = try SystemCall.check("ioctl I2C_SLAVE \(hex(address))") { irectl_i2c_select(fd, UInt16(address)) }
    selected = address
  }
}
