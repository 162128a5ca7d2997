import Controller
import Foundation
import Sequencer
import Simulator
import Testing
import Units

/// At a fixed rate a skipped beat is a period like any other: the next pulse is due a period
/// later, never tried again at once (a tight loop that floods the event ring and counts a
/// bank's held beats in microseconds).
@Suite("Skipped beats at a fixed rate")
struct FixedRateSkipTests {
  static let period = Nanoseconds.milliseconds(500)  // the fixture's 2 Hz

  func expectAPeriodApart(_ instants: [Instant], sourceLocation: SourceLocation = #_sourceLocation) {
    for (earlier, later) in zip(instants, instants.dropFirst()) {
      #expect(
        later - earlier >= Self.period - .microseconds(1), "\(earlier) then \(later)",
        sourceLocation: sourceLocation)
    }
  }

  /// An intent that is not on disk for the first two seconds (a record slow on real time):
  /// a handful of beats skipped, a period apart, then every pulse delivered.
  @Test func aBeatWhoseIntentIsNotOnDiskWaitsItsPeriod() throws {
    let gate = IntentGate(waitForDisk: false)
    let treatment = try InProcessTreatment.run(
      Paths.fixture("short-fixed-rate"),
      prepare: { board, sequencer in
        sequencer.intentGate = gate
        board.clock.schedule(at: board.clock.now + .seconds(2)) { gate.markDurable(through: 1_000) }
      })
    let skipped = treatment.events.skipped.filter { $0.reason == .recordNotDurable }
    #expect(!skipped.isEmpty && skipped.count <= 5, "\(skipped.count) beats skipped in two seconds at 2 Hz")
    expectAPeriodApart(skipped.map(\.at))
    #expect(treatment.events.pulses.count == 5)
  }

  /// A bank that sags off its set-point: the beats it holds are a period apart (less the fresh
  /// check's few milliseconds, which come before the skip is noted), so the fault
  /// that ends the wait comes after the beats the board allows, not microseconds later.
  @Test func aHeldBeatWaitsItsPeriod() throws {
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.fixture("short-fixed-rate"), boardPath: Paths.simBoard, seed: 1,
        faults: [try FaultSpec(parsing: "hv-sag@pulse=2")], showProgress: false))
    let held = result.summary.skipped.filter { $0.reason == "bank_voltage" }
    #expect(held.count >= 2)
    for (earlier, later) in zip(held, held.dropFirst()) {
      #expect(later.atMs - earlier.atMs >= 490, "held beats at \(earlier.atMs) and \(later.atMs) ms")
    }
  }
}
