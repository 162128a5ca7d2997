import Controller
import Foundation
import HAL
import Simulator
import Testing
import Units

/// An e-stop pressed in the middle of a treatment: faulted, nothing after it, the bank bled.
@Suite("E-stop mid-treatment")
struct EmergencyStopTests {
  @Test(arguments: [30.0, 123.4, 250.0])
  func estopLatchesStopsDeliveryAndBleeds(atSeconds: Double) throws {
    let pressed = Instant(sinceOrigin: .seconds(atSeconds))
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("liver-4probe-box"), boardPath: Paths.simBoard, seed: 5,
        showProgress: false)
    ) { board in
      board.clock.schedule(at: pressed) { board.estopPressed = true }
    }
    #expect(result.summary.outcome == "faulted")
    let fault = try #require(result.summary.fault)
    #expect(fault.interlock == "estop")
    #expect(fault.reason == "emergency stop pressed")
    #expect(fault.atMs >= atSeconds * 1000)
    #expect(fault.atMs < atSeconds * 1000 + 20, "noticed within two polls")
    #expect(fault.pulseIndex == result.summary.pulses.count)
    #expect(result.summary.pulses.allSatisfy { $0.firedMs < atSeconds * 1000 })
    #expect(result.board.fireEdges.allSatisfy { $0 < pressed }, "the pulse board saw no edge after the press")
    #expect(result.simulatorPulseCount == result.summary.pulses.count)
    #expect(result.finalBankVoltage < Volts(50), "bank bled")
    #expect(try result.board.gpio.read(.hvEnable) == false)
    #expect(try result.board.gpio.read(.bleedRelease) == false)
    #expect(result.summary.pulses.count > 0)
  }
}
