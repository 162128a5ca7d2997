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

/// The fire check is taken a few milliseconds before the edge; an e-stop or a footswitch
/// released inside that gap must still stop the pulse.
@Suite("Interlocks inside the last milliseconds before a pulse")
struct LastLookTests {
  static func run(seed: UInt64, prepare: (SimulatedBoard) -> Void = { _ in }) throws -> SimulationResult {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: seed,
        showProgress: false), prepare: prepare)
  }

  @Test(arguments: [0.001, 0.2, 1.0, 2.0, 2.9, 3.5, 10.0])
  func estopJustBeforeAnEdgeStopsIt(millisecondsBefore: Double) throws {
    let edges = try Self.run(seed: 1).board.fireEdges
    let target = edges[40]
    let press = target - .seconds(millisecondsBefore / 1000)
    let result = try Self.run(seed: 1) { board in
      board.clock.schedule(at: press) { board.estopPressed = true }
    }
    #expect(result.board.fireEdges.count == 40, "edges 0...39 only")
    #expect(result.board.fireEdges.allSatisfy { $0 < press })
    #expect(result.summary.fault?.interlock == "estop")
  }

  @Test(arguments: [0.001, 1.0, 2.9])
  func footswitchReleasedJustBeforeAnEdgeStopsIt(millisecondsBefore: Double) throws {
    let edges = try Self.run(seed: 2).board.fireEdges
    let release = edges[25] - .seconds(millisecondsBefore / 1000)
    let result = try Self.run(seed: 2) { board in
      board.clock.schedule(at: release) {
        board.footswitchA = false
        board.footswitchB = false
      }
    }
    #expect(result.board.fireEdges.allSatisfy { $0 < release })
    #expect(result.summary.outcome == "aborted", "the scripted operator never presses again")
  }
}
