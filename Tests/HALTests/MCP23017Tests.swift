import HAL
import Simulator
import Testing
import Units

@Suite struct MCP23017Tests {
  let bench = Bench()

  final class Log {
    var outputs: [UInt8] = []
    var contacts: UInt8 = 0
  }

  func expander(_ log: Log) -> (MCP23017, MCP23017Model) {
    let model = MCP23017Model(inputsB: { log.contacts }, onOutputs: { log.outputs.append($0) })
    bench.bus.attach(model, at: 0x20)
    return (MCP23017(bus: bench.bus, address: 0x20), model)
  }

  @Test func configureSetsDirectionsAndReadsThemBack() throws {
    let log = Log()
    let (driver, model) = expander(log)
    try driver.configureRelayPorts()
    #expect(model.iodirA == 0xC0)
    #expect(model.iodirB == 0xFF)
    #expect(model.olatA == 0)
    #expect(try driver.directionA() == 0xC0)
    #expect(try driver.directionB() == 0xFF)
  }

  @Test func outputsComeUpOffEvenWithAStaleLatch() throws {
    let log = Log()
    let (driver, model) = expander(log)
    // A latch left set while port A was still all inputs.
    try bench.bus.writeByte(address: 0x20, register: 0x14, value: 0x3F)
    log.outputs.removeAll()
    try driver.configureRelayPorts()
    #expect(model.drivenA == 0)
    #expect(log.outputs.allSatisfy { $0 == 0 })
  }

  @Test func directionThatDoesNotReadBackIsAnError() {
    bench.bus.attach(FixedDevice(byte: 0xFF), at: 0x20)
    let driver = MCP23017(bus: bench.bus, address: 0x20)
    #expect(throws: HALError.self) { try driver.configureRelayPorts() }
  }

  @Test func writeOutputsDrivesOLATA() throws {
    let log = Log()
    let (driver, model) = expander(log)
    try driver.configureRelayPorts()
    try driver.writeOutputs(0x05)
    #expect(model.olatA == 0x05)
    #expect(log.outputs.last == 0x05)
    #expect(try driver.outputLatch() == 0x05)
  }

  @Test(arguments: [0x40, 0x80, 0xFF] as [UInt8])
  func outputsOutsideTheRelaysAreRefusedBeforeTheBus(bits: UInt8) {
    let log = Log()
    let (driver, model) = expander(log)
    let error = #expect(throws: HALError.self) { try driver.writeOutputs(bits) }
    #expect(error?.register == 0x14)
    #expect(bench.bus.transferCount == 0)
    #expect(model.olatA == 0)
  }

  @Test func inputsAreMaskedToTheContacts() throws {
    let log = Log()
    let (driver, _) = expander(log)
    try driver.configureRelayPorts()
    log.contacts = 0xFF
    #expect(try driver.inputs() == 0x3F)
    log.contacts = 0x12
    #expect(try driver.inputs() == 0x12)
  }
}
