import Units

/// Driver for the pulse-board supervisor, the board's own microcontroller (I2C 0x30, BOARD.md).
///
/// The supervisor times each pulse, counts the pulses it delivered, measures each pulse's peak
/// current and voltage, and latches hardware faults. Its words are sent most significant byte
/// first, so every SMBus word is byte-swapped here.
///
/// Registers (BOARD.md):
/// - 0x00 ID (= 0x1E5A)
/// - 0x01 WIDTH, µs, 10–100 (the board refuses others and sets STATUS.width_error)
/// - 0x02 PULSE_COUNT, 16-bit, wrapping
/// - 0x03 LAST_PEAK_CURRENT, 10 mA/LSB
/// - 0x04 LAST_PEAK_VOLTAGE, 1 V/LSB
/// - 0x05 STATUS (see ``SupervisorStatus``)
/// - 0x06 LATCH_CLEAR, write 0xA5A5
/// - 0x07 TRAIN_PULSES, pulses per fire edge, 1–100
/// - 0x08 TRAIN_PERIOD, µs between pulses of a train, ≥ 200
/// - 0x09 SETPOINT, the charger's set-point, 1 V/LSB, 0–3000. This register is the project's
///   extension of the reference board (it is not in the board's original register list): the
///   supervisor forwards it to the charger.
public final class Supervisor {
  public static let defaultAddress: UInt8 = 0x30
  /// The value of register 0x00 (ID).
  public static let expectedIdentity: UInt16 = 0x1E5A
  /// The widths register 0x01 (WIDTH) accepts.
  public static let widthRange = 10...100
  /// The train lengths register 0x07 (TRAIN_PULSES) accepts.
  public static let trainPulsesRange = 1...100
  /// The shortest period register 0x08 (TRAIN_PERIOD) accepts.
  public static let minimumTrainPeriod = Microseconds(200)
  /// The set-points register 0x09 (SETPOINT) accepts, in volts.
  public static let setpointRange = 0...3000
  /// The value that, written to register 0x06 (LATCH_CLEAR), clears the latched status bits.
  public static let latchClearKey: UInt16 = 0xA5A5

  enum Register: UInt8 {
    case identity = 0x00
    case width = 0x01
    case pulseCount = 0x02
    case peakCurrent = 0x03
    case peakVoltage = 0x04
    case status = 0x05
    case latchClear = 0x06
    case trainPulses = 0x07
    case trainPeriod = 0x08
    case setpoint = 0x09
    case scratch = 0x0A
  }

  public let bus: any SMBus
  public let address: UInt8

  public init(bus: any SMBus, address: UInt8 = Supervisor.defaultAddress) {
    self.bus = bus
    self.address = address
  }

  /// Register 0x00 (ID).
  public func identity() throws -> UInt16 { try read(.identity) }

  /// Reads register 0x00 (ID) and throws `unexpectedValue` unless it is 0x1E5A.
  public func verifyIdentity() throws {
    let found = try identity()
    guard found == Supervisor.expectedIdentity else {
      throw HALError.unexpectedValue(
        address: address, register: Register.identity.rawValue,
        detail: "supervisor id: expected \(hex(Supervisor.expectedIdentity)), found \(hex(found))")
    }
  }

  /// Writes register 0x01 (WIDTH) and reads it back. A width outside 10–100 µs is refused
  /// before the bus is touched.
  public func setWidth(_ width: Microseconds) throws {
    guard Supervisor.widthRange.contains(width.value) else {
      throw invalid(.width, "pulse width \(width) outside \(Supervisor.widthRange) µs")
    }
    try writeAndVerify(.width, UInt16(width.value), what: "pulse width")
  }

  /// Register 0x01 (WIDTH), in µs.
  public func width() throws -> Microseconds { Microseconds(Int(try read(.width))) }

  /// Register 0x02 (PULSE_COUNT): the pulses the board delivered, 16-bit, wrapping.
  public func pulseCount() throws -> UInt16 { try read(.pulseCount) }

  /// Register 0x03 (LAST_PEAK_CURRENT), 10 mA/LSB.
  public func lastPeakCurrent() throws -> Amperes { Amperes(Double(try read(.peakCurrent)) * 0.01) }

  /// Register 0x04 (LAST_PEAK_VOLTAGE), 1 V/LSB.
  public func lastPeakVoltage() throws -> Volts { Volts(Double(try read(.peakVoltage))) }

  /// Register 0x05 (STATUS).
  /// Bits 4–15 are unused and read 0: a status with any of them set is nonsense (a bus stuck
  /// high reads 0xFFFF), never taken for latched faults.
  public func status() throws -> SupervisorStatus {
    let raw = try read(.status)
    guard raw & ~SupervisorStatus.defined == 0 else {
      throw HALError.unexpectedValue(
        address: address, register: Register.status.rawValue,
        detail: "STATUS reads \(hex(raw)): bits 4-15 are unused and read 0")
    }
    return SupervisorStatus(rawValue: raw)
  }

  /// Writes 0xA5A5 to register 0x06 (LATCH_CLEAR), which clears STATUS bits 1–3.
  public func clearLatches() throws { try write(.latchClear, Supervisor.latchClearKey) }

  /// Writes register 0x07 (TRAIN_PULSES) and, when a period is given, register 0x08
  /// (TRAIN_PERIOD), reading each back. Everything is validated before the bus is touched:
  /// pulses 1–100; a period is required when there is more than one pulse, and any period
  /// given must be 200–65535 µs.
  public func setTrain(pulses: Int, period: Microseconds?) throws {
    guard Supervisor.trainPulsesRange.contains(pulses) else {
      throw invalid(.trainPulses, "train of \(pulses) pulses outside \(Supervisor.trainPulsesRange)")
    }
    if pulses > 1, period == nil {
      throw invalid(
        .trainPeriod, "train of \(pulses) pulses needs a period (≥ \(Supervisor.minimumTrainPeriod))")
    }
    if let period, period < Supervisor.minimumTrainPeriod || period.value > Int(UInt16.max) {
      throw invalid(
        .trainPeriod,
        "train period \(period) outside \(Supervisor.minimumTrainPeriod.value)...\(UInt16.max) µs")
    }
    try writeAndVerify(.trainPulses, UInt16(pulses), what: "train pulses")
    if let period {
      try writeAndVerify(.trainPeriod, UInt16(period.value), what: "train period")
    }
  }

  /// Writes register 0x09 (SETPOINT, the project's extension: the charger's set-point, 1 V/LSB,
  /// 0–3000 V) and reads it back. The value is rounded to the nearest volt; one outside 0–3000 V
  /// (or not a number) is refused before the bus is touched.
  public func setSetpoint(_ voltage: Volts) throws {
    let volts = voltage.value.rounded()
    guard volts.isFinite, volts >= Double(Supervisor.setpointRange.lowerBound),
      volts <= Double(Supervisor.setpointRange.upperBound)
    else {
      throw invalid(.setpoint, "set-point \(voltage) outside \(Supervisor.setpointRange) V")
    }
    try writeAndVerify(.setpoint, UInt16(volts), what: "set-point")
  }

  /// Register 0x09 (SETPOINT), 1 V/LSB.
  public func setpoint() throws -> Volts { Volts(Double(try read(.setpoint))) }

  /// Reads PULSE_COUNT (0x02), LAST_PEAK_CURRENT (0x03), LAST_PEAK_VOLTAGE (0x04) and STATUS
  /// (0x05), in that order.
  public func readback() throws -> SupervisorReadback {
    let count = try pulseCount()
    let current = try lastPeakCurrent()
    let voltage = try lastPeakVoltage()
    let status = try status()
    return SupervisorReadback(count: count, peakCurrent: current, peakVoltage: voltage, status: status)
  }

  /// Register 0x0A (SCRATCH), the project's extension: a word that reads back what was last
  /// written and does nothing else. Writing a fresh value and reading it back proves the
  /// supervisor is alive and answering now, not replaying frozen registers.
  public func verifyAlive(nonce: UInt16) throws {
    try writeAndVerify(.scratch, nonce, what: "SCRATCH (liveness)")
  }

  // MARK: - Word transfers (MSB first on the wire)

  private func read(_ register: Register) throws -> UInt16 {
    try bus.readWordMSBFirst(address: address, register: register.rawValue)
  }

  private func write(_ register: Register, _ value: UInt16) throws {
    try bus.writeWordMSBFirst(address: address, register: register.rawValue, value: value)
  }

  private func writeAndVerify(_ register: Register, _ value: UInt16, what: String) throws {
    try write(register, value)
    let found = try read(register)
    guard found == value else {
      throw HALError.unexpectedValue(
        address: address, register: register.rawValue,
        detail: "\(what) read back \(found) (\(hex(found))), wrote \(value) (\(hex(value)))")
    }
  }

  private func invalid(_ register: Register, _ detail: String) -> HALError {
    HALError.unexpectedValue(address: address, register: register.rawValue, detail: "refused: \(detail)")
  }
}
