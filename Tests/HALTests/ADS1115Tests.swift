import HAL
import Simulator
import Testing
import Units

@Suite struct ADS1115Tests {
  let bench = Bench()
  let lsb = 4.096 / 32768

  /// A driver on a model whose inputs are the given voltages.
  func adc(_ voltages: [Double]) -> (ADS1115, ADS1115Model) {
    let model = ADS1115Model(clock: bench.clock) { Volts(voltages[$0]) }
    bench.bus.attach(model, at: 0x48)
    return (ADS1115(bus: bench.bus, address: 0x48, clock: bench.clock), model)
  }

  @Test func configWords() {
    #expect(ADS1115.configWord(for: .ain0) == 0xC3E3)
    #expect(ADS1115.configWord(for: .ain1) == 0xD3E3)
    #expect(ADS1115.configWord(for: .ain3) == 0xF3E3)
  }

  @Test func conversionTakesAboutOnePointTwoMillisecondsOfVirtualTime() throws {
    let (driver, model) = adc([2.25, 0, 0, 0])
    let start = bench.clock.now
    let volts = try driver.readSingleEnded(.ain0)
    let elapsed = bench.clock.now - start
    #expect(isClose(volts.value, 2.25, within: lsb))
    #expect(elapsed >= .microseconds(1_163))
    #expect(elapsed <= .microseconds(1_600))
    #expect(model.conversionsStarted == 1)
  }

  @Test func readsTheVoltagePresentWhenTheConversionStarted() throws {
    var present = 2.25
    let model = ADS1115Model(clock: bench.clock) { _ in Volts(present) }
    bench.bus.attach(model, at: 0x48)
    let driver = ADS1115(bus: bench.bus, address: 0x48, clock: bench.clock)
    bench.clock.schedule(at: bench.clock.now + .microseconds(500)) { present = 3.9 }
    let volts = try driver.readSingleEnded(.ain0)
    #expect(isClose(volts.value, 2.25, within: lsb))
    #expect(present == 3.9)
  }

  @Test func eachChannelReadsItsOwnInput() throws {
    let (driver, _) = adc([0.5, 1.0, 1.5, 2.0])
    for channel in ADCChannel.allCases {
      let volts = try driver.readSingleEnded(channel)
      #expect(isClose(volts.value, 0.5 * Double(channel.rawValue + 1), within: lsb))
    }
  }

  @Test func negativeValuesAreSigned() throws {
    let (driver, model) = adc([-1.5, 0, 0, 0])
    let volts = try driver.readSingleEnded(.ain0)
    #expect(isClose(volts.value, -1.5, within: lsb))
    #expect(model.conversion == -12000)
    // -12000 = 0xD120, on the wire 0xD1 then 0x20: the SMBus word is 0x20D1.
    #expect(try bench.bus.readWord(address: 0x48, register: 0x00) == 0x20D1)
  }

  /// The chip clamps an input beyond its full scale to the end of its code range: such a
  /// reading is a clipped sensor, not a voltage (a bank far above its set-point must not read
  /// as 4.096 V times the divider).
  @Test(arguments: [(5.0, "+4.096 V", "0x7FFF"), (4.096, "+4.096 V", "0x7FFF"), (-5.0, "-4.096 V", "0x8000")])
  func aReadingAtEitherRailIsClipped(input: Double, rail: String, code: String) {
    let (driver, model) = adc([0, 0, input, 0])
    let error = #expect(throws: HALError.self) { try driver.readSingleEnded(.ain2) }
    #expect(
      error
        == .unexpectedValue(
          address: 0x48, register: 0x00,
          detail: "AIN2 clipped: the ADC is clipped at its \(rail) full scale (conversion \(code));"
            + " the input is beyond what it can measure"))
    #expect(String(describing: error).contains("the ADC is clipped"))
    #expect(model.conversion == (input > 0 ? Int16.max : Int16.min))
  }

  @Test func theCodesNextToTheRailsAreValues() throws {
    let (driver, _) = adc([4.096 - 1.6 * lsb, -4.096 + 1.4 * lsb, 0, 0])
    #expect(isClose(try driver.readSingleEnded(.ain0).value, 4.096 - 2 * lsb))
    #expect(isClose(try driver.readSingleEnded(.ain1).value, -4.096 + lsb))
  }

  @Test func conversionThatNeverCompletesTimesOut() {
    // OS = 0 forever, MUX/PGA as written.
    bench.bus.attach(FixedDevice(word: 0x43E3), at: 0x48)
    let driver = ADS1115(bus: bench.bus, address: 0x48, clock: bench.clock)
    let start = bench.clock.now
    let error = #expect(throws: HALError.self) { try driver.readSingleEnded(.ain0) }
    if case .timeout(let what)? = error {
      #expect(what.contains("0x48"))
    } else {
      Issue.record("expected a timeout, got \(String(describing: error))")
    }
    #expect(bench.clock.now - start < .milliseconds(10))
  }

  @Test func chipAnsweringAnotherConfigIsAnError() {
    // OS = 1 but the power-on MUX/PGA: the write did not take.
    bench.bus.attach(FixedDevice(word: 0x8583), at: 0x48)
    let driver = ADS1115(bus: bench.bus, address: 0x48, clock: bench.clock)
    let error = #expect(throws: HALError.self) { try driver.readSingleEnded(.ain2) }
    #expect(error?.register == 0x01)
  }

  @Test func configIsWrittenMSBFirst() throws {
    let device = FixedDevice(word: 0xC3E3)
    bench.bus.attach(device, at: 0x48)
    let driver = ADS1115(bus: bench.bus, address: 0x48, clock: bench.clock)
    _ = try driver.readSingleEnded(.ain0)
    #expect(device.writes.first?.register == 0x01)
    #expect(device.writes.first?.value == 0xC3E3)
  }

  @Test func frozenRegistersAreCaughtAtTheNextConversion() throws {
    // A chip replaying one Config value: the first conversion passes, the second one wrote a
    // different COMP_LAT bit and reads back the old one.
    bench.bus.attach(FixedDevice(word: 0xC3E3), at: 0x48)
    let driver = ADS1115(bus: bench.bus, address: 0x48, clock: bench.clock)
    _ = try driver.readSingleEnded(.ain0)
    let error = #expect(throws: HALError.self) { try driver.readSingleEnded(.ain0) }
    #expect(error?.description.contains("Config read back 0x43E3, wrote 0x43E7") == true)
  }

  @Test func aLiveChipTakesEveryConversionsConfig() throws {
    let (driver, model) = adc([0.1, 1.5, 0, 0])
    for _ in 0..<4 { #expect(isClose(try driver.readSingleEnded(.ain1).value, 1.5, within: 0.001)) }
    #expect(model.conversionsStarted == 4)
  }

  @Test func livenessTakesAFreshThresholdEveryTime() throws {
    let (driver, _) = adc([0, 0, 0, 0])
    for nonce: UInt16 in [0x1234, 0xBEEF, 0x0001] { try driver.verifyAlive(nonce: nonce) }
    bench.bus.attach(FixedDevice(word: 0x1234), at: 0x48)
    let frozen = ADS1115(bus: bench.bus, address: 0x48, clock: bench.clock)
    #expect(throws: HALError.self) { try frozen.verifyAlive(nonce: 0x4321) }
  }
}
