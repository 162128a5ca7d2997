import HAL
import Simulator
import Testing
import Units

@Suite struct ADS1115ModelTests {
  let clock = SimulatedClock()

  func word(_ model: ADS1115Model, _ register: UInt8) throws -> UInt16 {
    let bytes = try model.readWord(register: register)
    return UInt16(bytes.first) << 8 | UInt16(bytes.second)
  }

  func write(_ model: ADS1115Model, _ register: UInt8, _ value: UInt16) throws {
    try model.writeWord(
      register: register, first: UInt8(truncatingIfNeeded: value >> 8),
      second: UInt8(truncatingIfNeeded: value))
  }

  @Test func defaultConfig() throws {
    let model = ADS1115Model(clock: clock) { _ in Volts(0) }
    #expect(try word(model, 0x01) == 0x8583)
    #expect(try word(model, 0x02) == 0x8000)
    #expect(try word(model, 0x03) == 0x7FFF)
  }

  @Test func singleShotClearsOSUntilDone() throws {
    let model = ADS1115Model(clock: clock) { _ in Volts(1.024) }
    try write(model, 0x01, 0xC3E3)
    #expect(try word(model, 0x01) == 0x43E3)
    // 860 SPS: 1/860 s + 10 µs = 1172.8 µs.
    clock.advance(to: clock.now + .microseconds(1_172))
    #expect(try word(model, 0x01) & 0x8000 == 0)
    clock.advance(to: clock.now + .microseconds(1))
    #expect(try word(model, 0x01) == 0xC3E3)
    #expect(try word(model, 0x00) == 8192)
  }

  @Test(arguments: [(0b000, 125_010), (0b100, 7_823), (0b111, 1_173)])
  func conversionTimeFollowsDataRate(dr: Int, microseconds: Int64) throws {
    let model = ADS1115Model(clock: clock) { _ in Volts(1) }
    try write(model, 0x01, 0xC303 | UInt16(dr) << 5)
    let start = clock.now
    while model.isConverting { clock.advance(to: clock.now + .microseconds(1)) }
    #expect(clock.now - start == .microseconds(microseconds))
  }

  @Test(arguments: [
    (0b000, 6.144), (0b001, 4.096), (0b010, 2.048), (0b011, 1.024), (0b100, 0.512), (0b101, 0.256),
    (0b111, 0.256),
  ])
  func pgaFullScale(pga: Int, fullScale: Double) throws {
    let model = ADS1115Model(clock: clock) { _ in Volts(fullScale / 2) }
    try write(model, 0x01, 0xC1E3 | UInt16(pga) << 9)
    clock.advance(to: clock.now + .milliseconds(2))
    #expect(try word(model, 0x00) == 0x4000)
  }

  @Test func resultClampsAndIsSigned() throws {
    let model = ADS1115Model(clock: clock) { $0 == 0 ? Volts(9) : Volts(-9) }
    try write(model, 0x01, 0xC3E3)
    clock.advance(to: clock.now + .milliseconds(2))
    #expect(try word(model, 0x00) == 0x7FFF)
    try write(model, 0x01, 0xD3E3)
    clock.advance(to: clock.now + .milliseconds(2))
    #expect(try word(model, 0x00) == 0x8000)
  }

  @Test func differentialMuxConvertsToZero() throws {
    let model = ADS1115Model(clock: clock) { _ in Volts(2) }
    try write(model, 0x01, 0xC3E3)
    clock.advance(to: clock.now + .milliseconds(2))
    #expect(try word(model, 0x00) != 0)
    try write(model, 0x01, 0x83E3)  // MUX 000: AIN0 - AIN1
    clock.advance(to: clock.now + .milliseconds(2))
    #expect(try word(model, 0x00) == 0)
  }

  @Test func samplesTheChannelAtConversionStart() throws {
    var volts = [0.1, 0.2, 0.3, 0.4]
    let model = ADS1115Model(clock: clock) { Volts(volts[$0]) }
    try write(model, 0x01, 0xE3E3)  // AIN2
    volts[2] = 3.0
    clock.advance(to: clock.now + .milliseconds(2))
    #expect(try word(model, 0x00) == 2400)  // 0.3 V / 4.096 V × 32768
  }

  @Test func writeDuringConversionDoesNotRestartIt() throws {
    let model = ADS1115Model(clock: clock) { _ in Volts(1) }
    try write(model, 0x01, 0xC3E3)
    clock.advance(to: clock.now + .microseconds(600))
    try write(model, 0x01, 0xC3E3)
    #expect(model.conversionsStarted == 1)
    clock.advance(to: clock.now + .microseconds(600))
    #expect(!model.isConverting)
  }
}
