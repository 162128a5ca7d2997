import Controller
import Foundation
import Protocol
import Simulator
import Testing
import Units

/// Whole treatments on the simulated board, through the same layers `irectl simulate` uses.
@Suite("Simulated treatments, end to end")
struct SimulatedTreatmentTests {
  func run(
    _ name: String, seed: UInt64 = 1, rrFile: String? = nil, prepare: (SimulatedBoard) -> Void = { _ in }
  )
    throws -> SimulationResult
  {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile(name), boardPath: Paths.simBoard, seed: seed, rrFile: rrFile,
        showProgress: false), prepare: prepare)
  }

  @Test func liverBoxCompletesEveryPulseOfEveryPair() throws {
    let result = try run("liver-4probe-box")
    #expect(result.summary.outcome == "completed")
    #expect(result.summary.fault == nil)
    #expect(result.summary.pairs.count == 6)
    for pair in result.summary.pairs {
      #expect(pair.testDelivered == 10)
      #expect(pair.therapyDelivered == 90)
    }
    #expect(result.summary.pulses.count == 600)
    #expect(result.simulatorPulseCount == 600, "the pulse board's own count agrees with the summary")
    #expect(result.summary.pulses.map(\.index) == Array(0..<600))
    #expect(result.finalBankVoltage < Volts(50), "the bank is bled at the end")
  }

  @Test func everySynchronisedPulseFiresInsideItsWindow() throws {
    let result = try run("liver-4probe-box", seed: 7)
    for pulse in result.summary.pulses {
      let trigger = try #require(pulse.triggerMs)
      let delay = pulse.firedMs - trigger
      #expect(delay >= 50 && delay <= 60, "pulse \(pulse.index) fired \(delay) ms after its trigger")
    }
  }

  @Test func polarityAlternatesPerTherapySet() throws {
    let result = try run("liver-4probe-box")
    let therapy = result.summary.pulses.filter { $0.pair == 0 && $0.kind == "therapy" }
    #expect(therapy[0..<10].allSatisfy { $0.polarity == "normal" })
    #expect(therapy[10..<20].allSatisfy { $0.polarity == "reversed" })
    #expect(therapy[20..<30].allSatisfy { $0.polarity == "normal" })
    #expect(result.summary.pulses.filter { $0.kind == "test" }.allSatisfy { $0.polarity == "normal" })
  }

  @Test func sameSeedSameSummaryDifferentSeedDifferentHeart() throws {
    let first = try run("pancreas-2probe", seed: 42).summary.json()
    let second = try run("pancreas-2probe", seed: 42).summary.json()
    let other = try run("pancreas-2probe", seed: 43).summary.json()
    #expect(first == second)
    #expect(first != other)
  }

  @Test func currentRisesOverEachTrainWithinTheCalibratedRange() throws {
    let result = try run("liver-4probe-box", seed: 3)
    for pair in 0..<6 {
      let pulses = result.summary.pulses.filter { $0.pair == pair }
      let test = pulses.filter { $0.kind == "test" }.compactMap(\.currentA)
      let currents = pulses.filter { $0.kind == "therapy" }.compactMap(\.currentA)
      #expect(currents.count == 90, "every pulse measured")
      let early = currents.prefix(10).reduce(0, +) / 10
      let late = currents.suffix(10).reduce(0, +) / 10
      // The simulated tissue is the planner's field model: its first pulses meet the tissue before
      // its pores open (the σ(E) ramp's low end), its last ones σ(E) settled, about 3.5 times the
      // conductance for the liver ramp, plus a few % of heating. Clinical currents at the end of
      // the train (DOMAIN.md: 20–40 A); every pulse inside the protocol's limits.
      #expect(late - early > 15, "pair \(pair): \(early) A -> \(late) A")
      #expect(late > 20 && late < 45, "pair \(pair): \(late) A at the end")
      #expect(test.allSatisfy { $0 >= 5 && $0 <= 45 }, "pair \(pair): test \(test)")
      #expect(
        currents.allSatisfy { $0 > 2 && $0 < 45 },
        "pair \(pair): \(currents.min() ?? 0)...\(currents.max() ?? 0)")
      let jumps = zip(currents.dropFirst(), currents).map { $0 - $1 }
      #expect(jumps.allSatisfy { $0 < 8 }, "pair \(pair): no step an arc check would take for one")
    }
  }

  @Test func theSimulatedTissueSolvesEachPairOnceBeforeTheFirstPulse() throws {
    let result = try run("pancreas-2probe")
    let conductance = try #require(result.board.tissue.conductance(between: 1, 2))
    // The field model's rise from the unporated to the settled tissue, at the pair's voltage.
    #expect(conductance.rise > 2 && conductance.rise < 6, "\(conductance.rise)")
    #expect(abs(conductance.settled(at: conductance.pair.voltage) - conductance.settled) < 1e-12)
    #expect(conductance.settled(at: conductance.pair.voltage * 0.5) < conductance.settled)
    let currents = result.summary.pulses.compactMap(\.currentA)
    let first = try #require(currents.first)
    let last = try #require(currents.last)
    // Calibration × V × conductance: the first pulse at the unporated one, the last near the
    // settled one (heating adds a few %).
    let calibration = 2.5 * 2250.0
    #expect(abs(first / (calibration * conductance.unporated) - 1) < 0.05, "\(first) A")
    #expect(last / (calibration * conductance.settled) > 0.95, "\(last) A")
    #expect(last / (calibration * conductance.settled) < 1.15, "\(last) A")
  }

  @Test func fixedRateTrainProtocolDeliversWholeTrains() throws {
    let result = try run("esope-ect-8x100")
    #expect(result.summary.outcome == "completed")
    #expect(result.summary.pulses.allSatisfy { $0.triggerMs == nil })
    #expect(result.summary.pulses.count == result.simulatorPulseCount)
    let fired = result.summary.pulses.map(\.firedMs)
    // Pulses of one train are 200 µs apart; trains are a second apart.
    #expect(abs(fired[1] - fired[0] - 0.2) < 1e-6)
  }

  @Test func sixProbeProstateCompletes() throws {
    let result = try run("prostate-6probe")
    #expect(result.summary.outcome == "completed")
    #expect(result.summary.pairs.count == 9)
  }
}
