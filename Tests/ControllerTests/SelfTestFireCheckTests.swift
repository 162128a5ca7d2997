import Controller
import Foundation
import HAL
import Protocol
import Sequencer
import Simulator
import Testing
import Units

/// `irectl selftest` times the fire check as a treatment takes it: on the reference board's bus
/// at 400 kHz it fits its lead; at 100 kHz it does not, and the board is not fit to treat.
@Suite("Selftest: the fire check fits its lead")
struct SelfTestFireCheckTests {
  /// The simulated bus, each transfer taking `factor` times as long on the wire.
  final class SlowerBus: SMBus {
    let bus: SimulatedSMBus
    let factor: Int64
    init(_ bus: SimulatedSMBus, factor: Int64) {
      self.bus = bus
      self.factor = factor
    }
    private func slower<T>(_ transfer: () throws -> T) rethrows -> T {
      let start = bus.clock.now
      let value = try transfer()
      bus.clock.advance(to: bus.clock.now + (bus.clock.now - start) * (factor - 1))
      return value
    }
    func readByte(address: UInt8, register: UInt8) throws -> UInt8 {
      try slower { try bus.readByte(address: address, register: register) }
    }
    func writeByte(address: UInt8, register: UInt8, value: UInt8) throws {
      try slower { try bus.writeByte(address: address, register: register, value: value) }
    }
    func readWord(address: UInt8, register: UInt8) throws -> UInt16 {
      try slower { try bus.readWord(address: address, register: register) }
    }
    func writeWord(address: UInt8, register: UInt8, value: UInt16) throws {
      try slower { try bus.writeWord(address: address, register: register, value: value) }
    }
  }

  func check(busSlowdown factor: Int64, lead: Microseconds? = nil) throws -> SelfTest.Check {
    var description = try BoardFile.load(path: Paths.simBoard)
    if let lead { description.timing.fireCheckLead = lead }
    let board = SimulatedBoard(
      description: description, settings: try #require(description.simulator), pace: .fast, seed: 1)
    let generator = PulseGenerator(
      board: description, gpio: board.gpio, bus: SlowerBus(board.bus, factor: factor), clock: board.clock)
    try generator.bringUp()
    return SelfTest.fireCheck(generator)
  }

  @Test func atFourHundredKilohertzTheCheckFits() throws {
    let result = try check(busSlowdown: 1)
    #expect(result.result == .pass, "\(result.detail)")
  }

  @Test func atOneHundredKilohertzItDoesNot() throws {
    let result = try check(busSlowdown: 4)
    #expect(result.result == .fail, "\(result.detail)")
    #expect(result.detail.contains("must fit 4 ms of its 5 ms lead (timing.fire_check_lead_us)"))
  }

  @Test func aBoardWhoseBusIsSlowerGivesTheCheckMoreLead() throws {
    let result = try check(busSlowdown: 4, lead: Microseconds(12_000))
    #expect(result.result == .pass, "\(result.detail)")
  }
}
