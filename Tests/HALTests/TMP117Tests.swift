import HAL
import Simulator
import Testing
import Units

@Suite struct TMP117Tests {
  let bench = Bench()

  func sensor(_ celsius: Double) -> (TMP117, TMP117Model) {
    let model = TMP117Model { Celsius(celsius) }
    bench.bus.attach(model, at: 0x49)
    return (TMP117(bus: bench.bus, address: 0x49), model)
  }

  @Test func identityIsSwapped() throws {
    let (driver, _) = sensor(25)
    #expect(try bench.bus.readWord(address: 0x49, register: 0x0F) == 0x1701)
    #expect(try driver.identity() == 0x0117)
    try driver.verifyIdentity()
  }

  @Test func wrongIdentityIsAnError() {
    bench.bus.attach(FixedDevice(word: 0x1701), at: 0x49)
    let error = #expect(throws: HALError.self) { try TMP117(bus: bench.bus, address: 0x49).verifyIdentity() }
    #expect(error?.register == 0x0F)
    #expect(error.map(String.init(describing:))?.contains("0x0117") == true)
  }

  @Test func negativeTemperature() throws {
    let (driver, _) = sensor(-12.5)
    // -12.5 °C = -1600 LSB = 0xF9C0, on the wire 0xF9 then 0xC0.
    #expect(try bench.bus.readWord(address: 0x49, register: 0x00) == 0xC0F9)
    #expect(try driver.temperature() == Celsius(-12.5))
  }

  @Test func resolution() throws {
    let (driver, _) = sensor(41.0078125)
    #expect(try driver.temperature() == Celsius(41.0078125))
  }

  @Test func noConversionYetIsAnError() {
    let (driver, model) = sensor(25)
    model.conversionReady = false
    let error = #expect(throws: HALError.self) { try driver.temperature() }
    #expect(error?.register == 0x00)
    #expect(error.map(String.init(describing:))?.contains("0x8000") == true)
  }
}
