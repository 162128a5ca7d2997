import Units

/// One consistent-enough snapshot of what the supervisor measured: the pulse counter
/// (register 0x02), the last peaks (0x03, 0x04) and the status (0x05), read in that order.
public struct SupervisorReadback: Sendable, Hashable {
  /// PULSE_COUNT (0x02): pulses the board delivered, 16-bit, wrapping.
  public var count: UInt16
  /// LAST_PEAK_CURRENT (0x03), 10 mA/LSB.
  public var peakCurrent: Amperes
  /// LAST_PEAK_VOLTAGE (0x04), 1 V/LSB.
  public var peakVoltage: Volts
  /// STATUS (0x05).
  public var status: SupervisorStatus

  public init(count: UInt16, peakCurrent: Amperes, peakVoltage: Volts, status: SupervisorStatus) {
    self.count = count
    self.peakCurrent = peakCurrent
    self.peakVoltage = peakVoltage
    self.status = status
  }
}
