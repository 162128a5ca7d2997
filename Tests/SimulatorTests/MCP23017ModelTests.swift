import HAL
import Simulator
import Testing
import Units

@Suite struct MCP23017ModelTests {
  final class Pins {
    var inputsB: UInt8 = 0
    var outputs: [UInt8] = []
  }

  let pins = Pins()
  let model: MCP23017Model

  init() {
    let pins = pins
    model = MCP23017Model(inputsB: { pins.inputsB }, onOutputs: { pins.outputs.append($0) })
  }

  @Test func resetValues() throws {
    #expect(try model.readByte(register: 0x00) == 0xFF)
    #expect(try model.readByte(register: 0x01) == 0xFF)
    #expect(try model.readByte(register: 0x14) == 0)
    #expect(try model.readByte(register: 0x15) == 0)
    #expect(try model.readByte(register: 0x40) == 0)
  }

  @Test func writingGPIOAWritesOLATA() throws {
    try model.writeByte(register: 0x00, value: 0xC0)
    try model.writeByte(register: 0x12, value: 0x15)
    #expect(try model.readByte(register: 0x14) == 0x15)
    #expect(try model.readByte(register: 0x12) == 0x15)
    #expect(pins.outputs == [0x00, 0x15])
  }

  @Test func onlyOutputBitsAreReported() throws {
    try model.writeByte(register: 0x14, value: 0xFF)
    #expect(pins.outputs == [0x00])
    try model.writeByte(register: 0x00, value: 0xC0)
    #expect(pins.outputs == [0x00, 0x3F])
    try model.writeByte(register: 0x14, value: 0xFF)
    #expect(pins.outputs == [0x00, 0x3F])  // no change, no report
  }

  @Test func gpioBMixesInputsAndLatch() throws {
    pins.inputsB = 0xAA
    #expect(try model.readByte(register: 0x13) == 0xAA)
    try model.writeByte(register: 0x01, value: 0xF0)
    try model.writeByte(register: 0x13, value: 0x05)
    #expect(try model.readByte(register: 0x15) == 0x05)
    #expect(try model.readByte(register: 0x13) == 0xA5)
  }

  @Test func wordTransfersAreSequential() throws {
    try model.writeWord(register: 0x00, first: 0xC0, second: 0x0F)
    #expect(try model.readByte(register: 0x00) == 0xC0)
    #expect(try model.readByte(register: 0x01) == 0x0F)
    let bytes = try model.readWord(register: 0x00)
    #expect(bytes.first == 0xC0)
    #expect(bytes.second == 0x0F)
  }
}
