import HAL
import Simulator
import Testing
import Units

/// Records the bytes each transfer carries, in wire order.
final class WireRecorder: RegisterDevice {
  var wordToSend: (first: UInt8, second: UInt8) = (0, 0)
  var received: [(register: UInt8, first: UInt8, second: UInt8)] = []
  var bytes: [(register: UInt8, value: UInt8)] = []

  func readByte(register: UInt8) throws -> UInt8 { wordToSend.first }
  func writeByte(register: UInt8, value: UInt8) throws { bytes.append((register, value)) }
  func readWord(register: UInt8) throws -> (first: UInt8, second: UInt8) { wordToSend }
  func writeWord(register: UInt8, first: UInt8, second: UInt8) throws {
    received.append((register, first, second))
  }
}

@Suite struct SimulatedSMBusTests {
  let clock = SimulatedClock()
  let bus: SimulatedSMBus
  let device = WireRecorder()

  init() {
    bus = SimulatedSMBus(clock: clock)
    bus.attach(device, at: 0x30)
  }

  @Test func wordReadPutsTheFirstByteLow() throws {
    device.wordToSend = (first: 0x1E, second: 0x5A)
    #expect(try bus.readWord(address: 0x30, register: 0x00) == 0x5A1E)
  }

  @Test func wordWriteSendsTheLowByteFirst() throws {
    try bus.writeWord(address: 0x30, register: 0x09, value: 0x1234)
    #expect(device.received.count == 1)
    #expect(device.received.first?.register == 0x09)
    #expect(device.received.first?.first == 0x34)
    #expect(device.received.first?.second == 0x12)
  }

  @Test func byteTransfers() throws {
    device.wordToSend = (first: 0xAB, second: 0)
    #expect(try bus.readByte(address: 0x30, register: 0x12) == 0xAB)
    try bus.writeByte(address: 0x30, register: 0x14, value: 0x3F)
    #expect(device.bytes.first?.register == 0x14)
    #expect(device.bytes.first?.value == 0x3F)
  }

  @Test func absentDeviceDoesNotAcknowledge() {
    #expect(throws: HALError.noAcknowledge(address: 0x48, register: 0x01)) {
      try bus.readWord(address: 0x48, register: 0x01)
    }
    #expect(bus.transferCount == 1)
  }

  @Test func detachedDeviceDoesNotAcknowledge() {
    bus.detach(address: 0x30)
    #expect(throws: HALError.noAcknowledge(address: 0x30, register: 0x05)) {
      try bus.writeByte(address: 0x30, register: 0x05, value: 1)
    }
  }

  @Test func injectedNAK() throws {
    bus.nakAddresses.insert(0x30)
    #expect(throws: HALError.noAcknowledge(address: 0x30, register: 0x02)) {
      try bus.writeWord(address: 0x30, register: 0x02, value: 1)
    }
    #expect(device.received.isEmpty)
    bus.nakAddresses.removeAll()
    try bus.writeWord(address: 0x30, register: 0x02, value: 1)
    #expect(device.received.count == 1)
  }

  @Test func everyTransferTakesItsTimeOnTheWire() throws {
    var last = clock.now
    func spent() -> Nanoseconds {
      defer { last = clock.now }
      return clock.now - last
    }
    _ = try bus.readByte(address: 0x30, register: 0)
    #expect(spent() == SimulatedSMBus.readByteTime)
    try bus.writeByte(address: 0x30, register: 0, value: 0)
    #expect(spent() == SimulatedSMBus.writeByteTime)
    _ = try bus.readWord(address: 0x30, register: 0)
    #expect(spent() == SimulatedSMBus.readWordTime)
    try bus.writeWord(address: 0x30, register: 0, value: 0)
    #expect(spent() == SimulatedSMBus.writeWordTime)
    _ = try? bus.readWord(address: 0x77, register: 0)
    #expect(spent() == SimulatedSMBus.nakTime)
    #expect(bus.transferCount == 5)
  }

  @Test func transferTimesAt400kHz() {
    // A byte write is about 0.07 ms, a word about 0.1 ms.
    #expect(SimulatedSMBus.writeByteTime == .microseconds(72) + Nanoseconds(500))
    #expect(SimulatedSMBus.readByteTime == .microseconds(97) + Nanoseconds(500))
    #expect(SimulatedSMBus.writeWordTime == .microseconds(95))
    #expect(SimulatedSMBus.readWordTime == .microseconds(120))
  }

  @Test func transfersRunScheduledActionsOnTheWay() throws {
    var ranAt: Instant?
    clock.schedule(at: clock.now + .microseconds(10)) { ranAt = clock.now }
    _ = try bus.readWord(address: 0x30, register: 0)
    #expect(ranAt == Instant(nanoseconds: 10_000))
  }
}
