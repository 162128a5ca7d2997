import Benchmark
import Controller
import Foundation
import Protocol
import Safety
import Sequencer
import Simulator

/// Allocations per pulse in steady state: the sequencer, the safety machine, the drivers and
/// the simulated board run a whole treatment on the virtual clock, on one thread; malloc is
/// counted only while pulses 150 to 450 go out (past the first pair's start-up, across relay
/// changes, set reviews and pair changes), and divided by those 300 pulses.
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.mallocCountTotal], timeUnits: .milliseconds, maxDuration: .seconds(30),
    maxIterations: 5)

  Benchmark("Allocations in 300 steady-state pulses (liver protocol, ECG-gated)") { benchmark in
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let board = try BoardFile.load(
      path: root.appendingPathComponent("firmware-config/boards/reference-sim.yaml").path)
    let plan = try ProtocolFile.load(
      path: root.appendingPathComponent("firmware-config/protocols/liver-4probe-box.yaml").path, board: board)
    guard let settings = board.simulator else { return }
    let simulated = SimulatedBoard(description: board, settings: settings, pace: .fast, seed: 1)
    simulated.place(plan)
    simulated.footswitchA = true
    simulated.footswitchB = true
    let window = MeasurementWindow(benchmark: benchmark, from: 150, to: 450)
    let sequencer = TreatmentSequencer(
      plan: plan,
      generator: PulseGenerator(
        board: board, gpio: simulated.gpio, bus: simulated.bus, clock: simulated.clock),
      operator: ScriptedOperator(), observer: window, limits: SafetyLimits(plan: plan, board: board))
    let outcome = try sequencer.run()
    precondition(outcome == .completed && window.pulses == 600, "the treatment must complete")
  }
}

/// Starts the malloc count at one pulse and stops it at another; in between it only counts.
/// Events also pass through the fixed ring the timing thread uses, and are taken out again.
final class MeasurementWindow: TreatmentObserver {
  let benchmark: Benchmark
  let from: Int
  let to: Int
  var pulses = 0
  let ring = SPSCRing<TreatmentEvent>(capacity: 1024)

  init(benchmark: Benchmark, from: Int, to: Int) {
    self.benchmark = benchmark
    self.from = from
    self.to = to
  }

  func treatment(_ event: TreatmentEvent) {
    ring.push(event)
    _ = ring.pop()
    guard case .pulse = event else { return }
    pulses += 1
    if pulses == from { benchmark.startMeasurement() }
    if pulses == to { benchmark.stopMeasurement() }
  }
}
