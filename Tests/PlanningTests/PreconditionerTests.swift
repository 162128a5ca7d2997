import Testing
import Units

@testable import Planning

/// The preconditioner stays symmetric through the conductivity updates: with four floating
/// needles on a coarse grid (the shipped prostate layout at 1 mm), a stale floating block once
/// stalled the conjugate gradient for two thousand iterations.
struct PreconditionerTests {
  @Test func manyFloatingNeedlesConvergeInFewIterationsAfterUpdates() throws {
    let n = { (id: Int, x: Double, y: Double, exposure: Double) in
      PlanningFixtures.needle(id, x, y, exposure: exposure)
    }
    let needles = [
      n(1, 0, 0, 20), n(2, 15, 0, 20), n(3, 15, 15, 20), n(4, 0, 15, 20), n(5, 7.5, 5, 15), n(6, 7.5, 10, 15),
    ]
    let pairs = [(1, 2, 2250.0), (1, 5, 1352), (5, 6, 750)].map {
      NeedlePair(anode: $0.0, cathode: $0.1, voltage: Volts($0.2))
    }
    let plan = try TreatmentPlanner.plan(
      layout: ProbeLayout(needles: needles, pairs: pairs),
      conductivity: .fieldDependent(PlanningFixtures.liverRamp),
      threshold: VoltsPerCentimetre(500), options: PlanningFixtures.options(resolution: 1))
    for pair in plan.pairs {
      let statistics = pair.solution.statistics
      #expect(statistics.converged)
      #expect(statistics.iterations < 15 * statistics.solves, "\(pair.pair.label): \(statistics)")
    }
  }

  /// The plain conjugate gradient `irectl bench plan` compares with solves the same system: the
  /// same field and current, in many more iterations.
  @Test func thePlainMethodReachesTheSameSolution() throws {
    var results: [PairPlan] = []
    for preconditioned in [true, false] {
      var options = PlanningFixtures.options(resolution: 1.5)
      options.preconditioned = preconditioned
      options.maximumIterations = 20_000
      let plan = try TreatmentPlanner.plan(
        layout: PlanningFixtures.box(), conductivity: .uniform(SiemensPerMetre(0.12)),
        threshold: VoltsPerCentimetre(500), options: options)
      results.append(try #require(plan.pairs.first))
    }
    let (multigrid, plain) = (results[0], results[1])
    #expect(Swift.abs(plain.midpointField.value / multigrid.midpointField.value - 1) < 1e-3)
    #expect(Swift.abs(plain.current.value / multigrid.current.value - 1) < 1e-3)
    #expect(plain.solution.statistics.iterations > 10 * multigrid.solution.statistics.iterations)
  }
}
