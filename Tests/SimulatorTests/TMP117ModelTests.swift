import HAL
import Simulator
import Testing
import Units

@Suite struct TMP117ModelTests {
  func word(_ model: TMP117Model, _ register: UInt8) throws -> UInt16 {
    let bytes = try model.readWord(register: register)
    return UInt16(bytes.first) << 8 | UInt16(bytes.second)
  }

  @Test func registersAndDefaults() throws {
    let model = TMP117Model { Celsius(25) }
    #expect(try word(model, 0x0F) == 0x0117)
    #expect(try word(model, 0x01) == 0x0220)
    #expect(try word(model, 0x00) == 3200)
    #expect(try word(model, 0x07) == 0)
  }

  @Test func configurationDefaultOverTheBus() throws {
    let bus = SimulatedSMBus(clock: SimulatedClock())
    bus.attach(TMP117Model { Celsius(25) }, at: 0x49)
    #expect(try bus.readWord(address: 0x49, register: 0x01) == 0x2002)
  }

  @Test func temperatureFollowsTheWorldAndRounds() throws {
    var celsius = -12.5
    let model = TMP117Model { Celsius(celsius) }
    #expect(try word(model, 0x00) == 0xF9C0)
    celsius = 0.004  // rounds to 1 LSB
    #expect(try word(model, 0x00) == 1)
    celsius = 400  // clamps
    #expect(try word(model, 0x00) == 0x7FFF)
  }

  @Test func notReadyReadsInvalid() throws {
    let model = TMP117Model { Celsius(25) }
    model.conversionReady = false
    #expect(try word(model, 0x00) == 0x8000)
  }

  @Test func configurationIsWritable() throws {
    let model = TMP117Model { Celsius(25) }
    try model.writeWord(register: 0x01, first: 0x0C, second: 0x20)
    #expect(try word(model, 0x01) == 0x0C20)
    try model.writeWord(register: 0x0F, first: 0, second: 0)
    #expect(try word(model, 0x0F) == 0x0117)
  }
}
