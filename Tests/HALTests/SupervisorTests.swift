import HAL
import Simulator
import Testing
import Units

@Suite struct SupervisorTests {
  let bench = Bench()
  let model = SupervisorModel()
  let supervisor: Supervisor

  init() {
    bench.bus.attach(model, at: 0x30)
    supervisor = Supervisor(bus: bench.bus, address: 0x30)
  }

  @Test func identityIsSwappedFromTheSMBusWord() throws {
    // The chip sends 0x1E first; SMBus puts the first byte in the low byte.
    #expect(try bench.bus.readWord(address: 0x30, register: 0x00) == 0x5A1E)
    #expect(try supervisor.identity() == 0x1E5A)
    try supervisor.verifyIdentity()
  }

  @Test func wrongIdentityNamesExpectedAndFound() throws {
    bench.bus.attach(FixedDevice(word: 0x5A1E), at: 0x30)
    let error = #expect(throws: HALError.self) { try supervisor.verifyIdentity() }
    #expect(error?.register == 0x00)
    let text = error.map(String.init(describing:)) ?? ""
    #expect(text.contains("0x1E5A"))
    #expect(text.contains("0x5A1E"))
    #expect(text.contains("0x30"))
  }

  /// A bus stuck high reads 0xFFFF: that is nonsense, not every fault latched at once.
  @Test func aStatusWithUnusedBitsSetIsNonsense() throws {
    bench.bus.stuckAddresses.insert(0x30)
    let error = #expect(throws: HALError.self) { try supervisor.status() }
    #expect(error.map(String.init(describing:))?.contains("bits 4-15 are unused") == true)
    bench.bus.stuckAddresses.remove(0x30)
    model.latch(.arcLatched)
    #expect(try supervisor.status() == [.arcLatched])
  }

  @Test func setpointRoundTripsMSBFirst() throws {
    try supervisor.setSetpoint(Volts(2400))
    #expect(model.setpoint == Volts(2400))
    // 2400 = 0x0960 on the wire as 0x09, 0x60; read as an SMBus word: 0x6009.
    #expect(try bench.bus.readWord(address: 0x30, register: 0x09) == 0x6009)
    #expect(try supervisor.setpoint() == Volts(2400))
  }

  @Test(arguments: [-1.0, 3000.6, 5000, .nan, .infinity])
  func setpointOutsideRangeIsRefusedBeforeTheBus(volts: Double) {
    let before = bench.bus.transferCount
    #expect(throws: HALError.self) { try supervisor.setSetpoint(Volts(volts)) }
    #expect(bench.bus.transferCount == before)
    #expect(model.setpoint == Volts(0))
  }

  @Test func widthIsWrittenAndReadBack() throws {
    try supervisor.setWidth(Microseconds(50))
    #expect(model.width == Microseconds(50))
    #expect(try supervisor.width() == Microseconds(50))
    #expect(try !supervisor.status().contains(.widthError))
  }

  @Test(arguments: [5, 9, 101, 0, -20])
  func widthOutsideRangeIsRefusedBeforeTheBus(us: Int) {
    let error = #expect(throws: HALError.self) { try supervisor.setWidth(Microseconds(us)) }
    #expect(error?.register == 0x01)
    #expect(bench.bus.transferCount == 0)
    #expect(model.width == Microseconds(100))
  }

  @Test func modelFlagsWidthErrorOnARawWriteOfFive() throws {
    try bench.bus.writeWord(address: 0x30, register: 0x01, value: UInt16(5).byteSwapped)
    #expect(model.width == Microseconds(100))
    #expect(try supervisor.status().contains(.widthError))
  }

  @Test func unswappedWidthWriteIsRejectedByTheBoard() throws {
    // A driver that forgot to swap would send 50 as 0x32, 0x00 = 12800 µs.
    try bench.bus.writeWord(address: 0x30, register: 0x01, value: 50)
    #expect(model.width == Microseconds(100))
    #expect(model.latched.contains(.widthError))
  }

  @Test func widthThatDoesNotReadBackIsAnError() {
    bench.bus.attach(FixedDevice(word: 100), at: 0x30)
    let error = #expect(throws: HALError.self) { try supervisor.setWidth(Microseconds(40)) }
    #expect(error?.register == 0x01)
  }

  @Test func counterWraps() throws {
    model.count = 0xFFFF
    #expect(try supervisor.pulseCount() == 0xFFFF)
    model.recordPulses(2, peakCurrent: Amperes(1), peakVoltage: Volts(10))
    #expect(try supervisor.pulseCount() == 1)
  }

  @Test func peaksAreScaled() throws {
    model.recordPulses(1, peakCurrent: Amperes(23.45), peakVoltage: Volts(1800))
    #expect(model.peakCurrentRaw == 2345)
    #expect(isClose(try supervisor.lastPeakCurrent().value, 23.45))
    #expect(try supervisor.lastPeakVoltage() == Volts(1800))
  }

  @Test func latchesClearWithTheKey() throws {
    model.hvReady = { true }
    model.latch([.overCurrentLatched, .arcLatched])
    #expect(try supervisor.status() == [.hvReady, .overCurrentLatched, .arcLatched])
    try bench.bus.writeWord(address: 0x30, register: 0x06, value: 0x1234)
    #expect(try supervisor.status() == [.hvReady, .overCurrentLatched, .arcLatched])
    try supervisor.clearLatches()
    #expect(try supervisor.status() == [.hvReady])
    #expect(model.latched.isEmpty)
  }

  @Test func trainIsConfigured() throws {
    try supervisor.setTrain(pulses: 8, period: Microseconds(200))
    #expect(model.trainPulses == 8)
    #expect(model.trainPeriod == Microseconds(200))
    try supervisor.setTrain(pulses: 1, period: nil)
    #expect(model.trainPulses == 1)
    #expect(try !supervisor.status().contains(.widthError))
  }

  @Test(arguments: [(0, 200), (101, 200), (2, nil), (2, 199), (1, 150)] as [(Int, Int?)])
  func invalidTrainIsRefusedBeforeTheBus(pulses: Int, period: Int?) {
    #expect(throws: HALError.self) {
      try supervisor.setTrain(pulses: pulses, period: period.map(Microseconds.init))
    }
    #expect(bench.bus.transferCount == 0)
    #expect(model.trainPulses == 1)
  }

  @Test func readbackReadsAllFour() throws {
    model.recordPulses(8, peakCurrent: Amperes(12.34), peakVoltage: Volts(1500))
    model.latch(.arcLatched)
    let readback = try supervisor.readback()
    #expect(readback.count == 8)
    #expect(isClose(readback.peakCurrent.value, 12.34))
    #expect(readback.peakVoltage == Volts(1500))
    #expect(readback.status == .arcLatched)
    #expect(bench.bus.transferCount == 4)
  }

  @Test func absentSupervisorRaisesNoAcknowledgeNamingTheAddress() {
    bench.bus.detach(address: 0x30)
    let error = #expect(throws: HALError.self) { try supervisor.identity() }
    #expect(error == .noAcknowledge(address: 0x30, register: 0x00))
    #expect(error.map(String.init(describing:))?.contains("0x30") == true)
  }

  @Test func nakInjectionRaisesNoAcknowledge() {
    bench.bus.nakAddresses = [0x30]
    #expect(throws: HALError.noAcknowledge(address: 0x30, register: 0x02)) {
      try supervisor.pulseCount()
    }
  }
}
