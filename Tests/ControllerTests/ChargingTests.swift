import Controller
import Foundation
import Simulator
import Testing
import Units

/// The bank while it charges: a charger that overshoots its set-point is caught as it does,
/// whether or not it says it is ready.
@Suite("Charging")
struct ChargingTests {
  @Test func anOvershootWhileHvReadyIsLowIsCaughtAtOnce() throws {
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 1,
        showProgress: false)
    ) { board in
      // The charger regulates to 130 % of its set-point: past the ready band and beyond.
      board.clock.schedule(at: board.clock.now) { board.charger.sag(to: 1.3, at: board.clock.now) }
    }
    let fault = try #require(result.summary.fault)
    #expect(fault.interlock == "bank_voltage", "not a charge time-out three seconds later")
    #expect(result.board.fireEdges.isEmpty)
    // From an empty bank the voltage rises as 1.3 × set-point × (1 − e^(−t/τ)): it passes
    // set-point + 5 % at t = τ ln(1.3 / 0.25). It is caught at the next poll (10 ms) and its ADC
    // conversion, not at the next fire check or the 3 s charge time-out.
    let on = try #require(result.board.chargerLog.first { $0.hvEnable }?.at)
    let tau = result.board.settings.charger.timeConstant.nanoseconds
    let crossing = on + .seconds(tau.seconds * log(1.3 / 0.25))
    let late = fault.atMs - crossing.sinceOrigin.milliseconds
    #expect(
      late >= 0 && late <= 12,
      "on \(on) latched \(fault.atMs) ms: latched \(late) ms after the bank passed set-point + 5 %")
  }
}
