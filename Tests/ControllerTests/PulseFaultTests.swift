import Controller
import Foundation
import HAL
import Simulator
import Testing
import Units

/// Faults found in a pulse's own measurement, and in the relays: each ends the treatment
/// faulted, names the right interlock and the pulse it belongs to.
@Suite("Faults in pulse measurements and relays")
struct PulseFaultTests {
  func run(seed: UInt64 = 4, prepare: (SimulatedBoard) -> Void) throws -> SimulationResult {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("liver-4probe-box"), boardPath: Paths.simBoard, seed: seed,
        showProgress: false), prepare: prepare)
  }

  @Test func hardwareOverCurrentComparatorFaultsOnThePulseThatTrippedIt() throws {
    let result = try run { board in
      board.clock.schedule(at: Instant(sinceOrigin: .seconds(30))) { board.hardwareCurrentTrip = Amperes(20) }
    }
    let fault = try #require(result.summary.fault)
    #expect(fault.interlock == "hardware_fault")
    let last = try #require(result.summary.pulses.last)
    #expect(fault.pulseIndex == last.index, "the fault belongs to the pulse that tripped the comparator")
    #expect(last.firedMs > 30_000)
    #expect(result.summary.pulses.count == result.simulatorPulseCount)
  }

  @Test func anExtraPulseCountedByTheSupervisorFaults() throws {
    let result = try run { board in
      board.clock.schedule(at: Instant(sinceOrigin: .seconds(45))) { board.supervisor.count &+= 1 }
    }
    #expect(result.summary.fault?.interlock == "pulse_counter")
    #expect(result.summary.pulses.allSatisfy { $0.firedMs < 47_000 }, "caught at the next pulse")
  }

  @Test func aStuckRelayIsCaughtAtTheNextSwitch() throws {
    let result = try run { board in
      board.clock.schedule(at: Instant(sinceOrigin: .seconds(5))) {
        board.relaysMinus.stick(0x3F, at: board.clock.now)
      }
    }
    #expect(result.summary.fault?.interlock == "relay_readback")
    // The first polarity reversal is after test pulses and one set: 20 pulses of pair 0.
    #expect(result.summary.pulses.count == 20)
    #expect(result.summary.finalBankV.map { $0 < 50 } == true)
  }
}
