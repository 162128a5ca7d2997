import HAL
import Simulator
import Testing
import Units

@Suite struct SupervisorModelTests {
  let model = SupervisorModel()

  func word(_ register: UInt8) throws -> UInt16 {
    let bytes = try model.readWord(register: register)
    return UInt16(bytes.first) << 8 | UInt16(bytes.second)
  }

  func write(_ register: UInt8, _ value: UInt16) throws {
    try model.writeWord(
      register: register, first: UInt8(truncatingIfNeeded: value >> 8),
      second: UInt8(truncatingIfNeeded: value))
  }

  @Test func identityIsSentMSBFirst() throws {
    let bytes = try model.readWord(register: 0x00)
    #expect(bytes.first == 0x1E)
    #expect(bytes.second == 0x5A)
  }

  @Test func defaults() throws {
    #expect(try word(0x01) == 100)
    #expect(try word(0x07) == 1)
    #expect(try word(0x02) == 0)
    #expect(try word(0x05) == 0)
    #expect(try word(0x0A) == 0)
  }

  @Test func widthOutsideRangeIsRefusedAndFlagged() throws {
    try write(0x01, 60)
    #expect(model.width == Microseconds(60))
    try write(0x01, 5)
    #expect(model.width == Microseconds(60))
    #expect(try word(0x05) == 0x0008)
  }

  @Test func trainOutsideRangeIsRefusedAndFlagged() throws {
    try write(0x07, 101)
    #expect(model.trainPulses == 1)
    #expect(model.latched == .widthError)
    try write(0x06, 0xA5A5)
    try write(0x08, 199)
    #expect(model.trainPeriod == Microseconds(200))
    #expect(model.latched == .widthError)
    try write(0x06, 0xA5A5)
    try write(0x07, 8)
    try write(0x08, 400)
    #expect(model.trainPulses == 8)
    #expect(model.trainPeriod == Microseconds(400))
    #expect(model.latched.isEmpty)
  }

  @Test func counterWrapsAndPeaksSaturate() throws {
    model.count = 0xFFFE
    model.recordPulses(3, peakCurrent: Amperes(700), peakVoltage: Volts(70_000))
    #expect(try word(0x02) == 1)
    #expect(try word(0x03) == 0xFFFF)
    #expect(try word(0x04) == 0xFFFF)
    model.recordPulses(1, peakCurrent: Amperes(-1), peakVoltage: Volts(2400.4))
    #expect(try word(0x03) == 0)
    #expect(try word(0x04) == 2400)
  }

  @Test func statusCombinesHVReadyAndLatches() throws {
    var ready = false
    model.hvReady = { ready }
    model.latch([.arcLatched, .hvReady])
    #expect(try word(0x05) == 0x0004)
    ready = true
    #expect(try word(0x05) == 0x0005)
    try write(0x06, 0x5A5A)
    #expect(try word(0x05) == 0x0005)
    try write(0x06, 0xA5A5)
    #expect(try word(0x05) == 0x0001)
  }

  @Test func setpointRegister() throws {
    try write(0x09, 0x0960)
    #expect(model.setpoint == Volts(2400))
    let bytes = try model.readWord(register: 0x09)
    #expect(bytes.first == 0x09)
    #expect(bytes.second == 0x60)
    try write(0x09, 3001)
    #expect(model.setpoint == Volts(2400))
  }
}
