import Controller
import Foundation
import HAL
import Simulator
import Testing
import Units

/// A chip that stops answering mid-treatment: the treatment faults safe and says which chip.
@Suite("Sensor failure mid-treatment")
struct SensorFailureTests {
  @Test(arguments: [UInt8(0x48), 0x30, 0x21])
  func deviceThatStopsAnsweringFaultsTheTreatment(address: UInt8) throws {
    let silent = Instant(sinceOrigin: .seconds(20))
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("liver-4probe-box"), boardPath: Paths.simBoard, seed: 2,
        showProgress: false)
    ) { board in
      board.clock.schedule(at: silent) { board.bus.nakAddresses.insert(address) }
    }
    #expect(result.summary.outcome == "faulted")
    #expect(result.summary.fault?.interlock == "sensor")
    let error = try #require(result.summary.hardwareError)
    #expect(error.contains("I2C device \(hex(address)) did not acknowledge"), "\(error)")
    #expect(result.summary.pulses.allSatisfy { $0.firedMs < 20_000 })
    #expect(try result.board.gpio.read(.hvEnable) == false)
    #expect(try result.board.gpio.read(.bleedRelease) == false)
  }
}
