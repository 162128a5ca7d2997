import HAL
import Units

/// The reference board's I2C bus in software, with the kernel's SMBus semantics.
///
/// `readWord` returns the first byte on the wire in the low byte and `writeWord` sends the low
/// byte first, exactly as `i2c_smbus_read_word_data` / `i2c_smbus_write_word_data` do; the
/// register models put their bytes on the wire in their chips' order (most significant first),
/// so a driver that forgets to swap reads nonsense here as it would on hardware.
///
/// Every transfer takes its time on the wire at 400 kHz (9 bits per byte plus start and stop),
/// by advancing the simulated clock: a byte write about 0.07 ms, a word read about 0.12 ms.
public final class SimulatedSMBus: SMBus {
  /// The bus clock.
  public static let bitTime = Nanoseconds(2_500)

  public let clock: SimulatedClock
  private var devices: [UInt8: any RegisterDevice] = [:]

  /// Addresses that do not acknowledge, whether or not a device is attached (fault injection).
  public var nakAddresses: Set<UInt8> = []
  /// Addresses whose transfers are acknowledged but whose data line is stuck high (fault
  /// injection): every read returns all ones, every write is lost.
  public var stuckAddresses: Set<UInt8> = []
  /// Transfers attempted so far, acknowledged or not.
  public private(set) var transferCount = 0
  /// Every transfer, by the controller's step, address and direction, once `logsTransfers` is
  /// set (what the explorer asks: did the controller touch a failing chip between its failure
  /// and an edge?). Off by default: a log that grows would allocate as the treatment goes on.
  public private(set) var transfers: [(step: Int, address: UInt8, write: Bool)] = []
  public var logsTransfers = false

  public init(clock: SimulatedClock) {
    self.clock = clock
  }

  /// Puts `device` on the bus at `address`, replacing whatever was there.
  public func attach(_ device: any RegisterDevice, at address: UInt8) {
    devices[address] = device
  }

  /// Takes the device at `address` off the bus; transfers to it are then not acknowledged.
  public func detach(address: UInt8) {
    devices[address] = nil
  }

  /// Freezes the registers of the device at `address` (fault injection): it keeps answering,
  /// with what its registers held, and ignores writes.
  public func freeze(address: UInt8) {
    guard let device = devices[address], !(device is FrozenDevice) else { return }
    devices[address] = FrozenDevice(freezing: device)
  }

  /// Undoes `freeze`.
  public func thaw(address: UInt8) {
    if let frozen = devices[address] as? FrozenDevice { devices[address] = frozen.original }
  }

  /// The device attached at `address`, if any.
  public func device(at address: UInt8) -> (any RegisterDevice)? { devices[address] }

  /// Time on the wire of a transfer of `bytes` bytes (address bytes included), with its start,
  /// repeated start and stop conditions.
  public static func transferTime(bytes: Int, conditions: Int) -> Nanoseconds {
    bitTime * Int64(bytes * 9 + conditions)
  }

  /// Read byte data: S addr+W reg Sr addr+R data P.
  public static let readByteTime = transferTime(bytes: 4, conditions: 3)
  /// Write byte data: S addr+W reg data P.
  public static let writeByteTime = transferTime(bytes: 3, conditions: 2)
  /// Read word data: S addr+W reg Sr addr+R data data P.
  public static let readWordTime = transferTime(bytes: 5, conditions: 3)
  /// Write word data: S addr+W reg data data P.
  public static let writeWordTime = transferTime(bytes: 4, conditions: 2)
  /// A transfer whose address byte is not acknowledged: S addr P.
  public static let nakTime = transferTime(bytes: 1, conditions: 2)

  public func readByte(address: UInt8, register: UInt8) throws -> UInt8 {
    let device = try begin(address: address, register: register, taking: SimulatedSMBus.readByteTime)
    if stuckAddresses.contains(address) { return 0xFF }
    return try device.readByte(register: register)
  }

  public func writeByte(address: UInt8, register: UInt8, value: UInt8) throws {
    let device = try begin(
      address: address, register: register, taking: SimulatedSMBus.writeByteTime, writing: true)
    if stuckAddresses.contains(address) { return }
    try device.writeByte(register: register, value: value)
  }

  public func readWord(address: UInt8, register: UInt8) throws -> UInt16 {
    let device = try begin(address: address, register: register, taking: SimulatedSMBus.readWordTime)
    if stuckAddresses.contains(address) { return 0xFFFF }
    let bytes = try device.readWord(register: register)
    return UInt16(bytes.first) | UInt16(bytes.second) << 8
  }

  public func writeWord(address: UInt8, register: UInt8, value: UInt16) throws {
    let device = try begin(
      address: address, register: register, taking: SimulatedSMBus.writeWordTime, writing: true)
    if stuckAddresses.contains(address) { return }
    try device.writeWord(
      register: register, first: UInt8(truncatingIfNeeded: value),
      second: UInt8(truncatingIfNeeded: value >> 8))
  }

  /// Counts the transfer (a step of the controller's), spends its time on the wire and returns
  /// the device that acknowledged it, or throws `noAcknowledge` (after the address byte's time)
  /// when none did.
  private func begin(address: UInt8, register: UInt8, taking time: Nanoseconds, writing: Bool = false) throws
    -> any RegisterDevice
  {
    transferCount += 1
    clock.steps.take(
      writing
        ? .busWrite(address: address, register: register) : .busRead(address: address, register: register))
    if logsTransfers { transfers.append((clock.steps.count, address, writing)) }
    guard !nakAddresses.contains(address), let device = devices[address] else {
      clock.advance(to: clock.now + SimulatedSMBus.nakTime)
      throw HALError.noAcknowledge(address: address, register: register)
    }
    clock.advance(to: clock.now + time)
    return device
  }
}
