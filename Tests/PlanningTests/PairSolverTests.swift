import Testing
import Units

@testable import Planning

/// The solver's physics on layouts whose answer is known by symmetry or by construction.
struct PairSolverTests {
  /// Each side pair of the square sees the same geometry turned by 90°: same current, same zone.
  /// The floating needles take the potentials the symmetry demands: on the pair's bisector
  /// V/2; for the side pairs, the far two sum to V (mirror in the bisector, polarity swapped).
  @Test func theBoxIsSymmetric() throws {
    var options = PlanningFixtures.options(resolution: 1)
    options.threads = 2
    let plan = try TreatmentPlanner.plan(
      layout: PlanningFixtures.box(), conductivity: .fieldDependent(PlanningFixtures.liverRamp),
      threshold: VoltsPerCentimetre(500), options: options)
    let sides = plan.pairs.prefix(4)
    for side in sides {
      #expect(Swift.abs(side.current.value / sides[0].current.value - 1) < 1e-3, "\(side.pair.label)")
      #expect(Swift.abs(side.zone.across.value - sides[0].zone.across.value) < 0.05)
      #expect(Swift.abs(side.zone.along.value - sides[0].zone.along.value) < 0.05)
      let potentials = side.solution.floatingPotentials.values.map(\.value)
      #expect(potentials.count == 2)
      #expect(Swift.abs(potentials.reduce(0, +) - 2250) < 1, "\(potentials)")
      #expect(potentials.allSatisfy { $0 > 0 && $0 < 2250 })
    }
    for diagonal in plan.pairs.suffix(2) {
      for potential in diagonal.solution.floatingPotentials.values {
        #expect(Swift.abs(potential.value - 1400) < 1, "\(diagonal.pair.label): \(potential)")
      }
    }
  }

  /// A floating needle carries no net current, and the anode's current all reaches the cathode.
  @Test func floatingNeedlesCarryNoNetCurrent() throws {
    let layout = try ProbeLayout(
      needles: [
        PlanningFixtures.needle(1, 0, 0, exposure: 15), PlanningFixtures.needle(2, 15, 0, exposure: 15),
        PlanningFixtures.needle(3, 6, 8, exposure: 15),
      ],
      pairs: [NeedlePair(anode: 1, cathode: 2, voltage: Volts(2000))])
    let context = PlanningContext(layout: layout, options: PlanningFixtures.options(resolution: 0.5))
    let solution = context.solve(
      layout.pairs[0], with: context.makeSolver(), conductivity: .uniform(SiemensPerMetre(0.2)))
    let floating = try #require(solution.floatingPotentials[3]).value
    var net = 0.0
    for cut in context.footprints[2].cuts {
      net += Double(solution.sigma[cut.node]) * cut.factor * (floating - Double(solution.potential[cut.node]))
    }
    let amperes = 2 * net / 1000
    #expect(Swift.abs(amperes) < 1e-3 * solution.current.value, "\(amperes) A against \(solution.current)")
    #expect(Swift.abs(solution.cathodeCurrent.value / solution.current.value - 1) < 1e-4)
    // The floating needle sits nearer the anode's side of the bisector: above V/2.
    #expect(floating > 1000 && floating < 2000)
  }

  /// σ never decreases over a pair's pulses: at the end, every node's conductivity is at least
  /// what the first pulse's field (the uniform-conductivity field) opened, and within the
  /// ramp. A plain fixed point σ = σ(E) would fall below it next to the needles, where the field
  /// drops as the tissue there conducts better.
  @Test func conductivityNeverDecreases() throws {
    let layout = try PlanningFixtures.twoNeedles(exposure: 15)
    let context = PlanningContext(layout: layout, options: PlanningFixtures.options(resolution: 1))
    let solver = context.makeSolver()
    let ramp = PlanningFixtures.liverRamp
    let first = context.solve(layout.pairs[0], with: solver, conductivity: .uniform(ramp.low))
    let dynamic = context.solve(layout.pairs[0], with: solver, conductivity: .fieldDependent(ramp))
    #expect(dynamic.statistics.converged)
    #expect(dynamic.statistics.solves > 2)
    var below = 0
    var raisedAboveFinalField = 0
    for node in 0..<context.grid.count where context.owner[node] < 0 {
      let sigma = Double(dynamic.sigma[node])
      let opened = ramp.value(atVoltsPerMillimetre: Double(first.field[node]))
      if sigma < opened * (1 - 1e-3) { below += 1 }
      if sigma > ramp.value(atVoltsPerMillimetre: Double(dynamic.field[node])) * 1.02 {
        raisedAboveFinalField += 1
      }
      #expect(sigma >= ramp.low.value * (1 - 1e-6) && sigma <= ramp.high.value * (1 + 1e-6))
    }
    #expect(below == 0)
    // ... and the memory matters: near the needles σ stays above what the final field alone gives.
    #expect(raisedAboveFinalField > 0)
    // Pores opening near the needles push the field outwards: a wider zone than the static one.
    #expect(dynamic.current > first.current)
  }

  /// With a uniform conductivity the field is linear in the voltage: a solution scaled to another
  /// voltage is the solution at that voltage.
  @Test func uniformSolutionsScaleWithVoltage() throws {
    let options = PlanningFixtures.options(resolution: 1)
    let at2250 = try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(exposure: 20), conductivity: .uniform(SiemensPerMetre(0.12)),
      threshold: VoltsPerCentimetre(500), options: options)
    let at1500 = try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(exposure: 20, voltage: 1500),
      conductivity: .uniform(SiemensPerMetre(0.12)),
      threshold: VoltsPerCentimetre(500), options: options)
    let scaled = try #require(at2250.pairs[0].solution.scaled(to: Volts(1500)))
    #expect(Swift.abs(scaled.current.value / at1500.pairs[0].current.value - 1) < 1e-3)
    let direct = at1500.pairs[0].solution
    let largest = zip(scaled.field, direct.field).map { Swift.abs($0 - $1) }.max() ?? 1
    #expect(Double(largest) < 1e-3 * 2250 / 15)
    // A field-dependent solution does not scale: it must be solved again.
    let dynamic = try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(exposure: 20),
      conductivity: .fieldDependent(PlanningFixtures.liverRamp),
      threshold: VoltsPerCentimetre(500), options: options)
    #expect(dynamic.pairs[0].solution.scaled(to: Volts(1500)) == nil)
  }

  /// A plan's pair solved again (another voltage, a fitted ramp) on the plan's own grid.
  @Test func aPairIsSolvedAgainWithAFittedRamp() throws {
    let plan = try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(exposure: 20),
      conductivity: .fieldDependent(PlanningFixtures.liverRamp),
      threshold: VoltsPerCentimetre(500), options: PlanningFixtures.options(resolution: 1))
    let pair = plan.pairs[0]
    let same = plan.resolve(pair, voltage: pair.pair.voltage, conductivity: plan.conductivity)
    #expect(Swift.abs(same.current.value / pair.current.value - 1) < 2e-3)
    let fitted = plan.resolve(
      pair, voltage: pair.pair.voltage,
      conductivity: .fieldDependent(PlanningFixtures.liverRamp.withHigh(SiemensPerMetre(0.5))))
    #expect(fitted.current.value > pair.current.value * 1.1)
    let lower = plan.resolve(pair, voltage: Volts(1500), conductivity: plan.conductivity)
    #expect(lower.current < pair.current)
  }

  /// Pairs are independent: one thread or two, the same numbers.
  @Test func threadsDoNotChangeTheAnswer() throws {
    var one = PlanningFixtures.options(resolution: 1)
    one.threads = 1
    var two = one
    two.threads = 2
    let plans = try [one, two].map {
      try TreatmentPlanner.plan(
        layout: PlanningFixtures.box(), conductivity: .fieldDependent(PlanningFixtures.liverRamp),
        threshold: VoltsPerCentimetre(500), options: $0)
    }
    #expect(plans[0].pairs.map(\.current) == plans[1].pairs.map(\.current))
    #expect(plans[0].zone == plans[1].zone)
  }
}
