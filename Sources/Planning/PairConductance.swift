import Dispatch
import Synchronization
import Units

/// How the tissue between the needles of one pair conducts, from the pair's field: what the
/// simulator's tissue draws its currents from, and what a fit of the σ(E) ramp to measured
/// currents compares with.
public struct PairConductance: Sendable, Equatable {
  public var pair: NeedlePair
  /// Current per volt (S) with the ramp's low conductivity everywhere: the tissue before its
  /// pores open. The same at every voltage (the field is then linear in it).
  public var unporated: Double
  /// Current per volt (S) at the pair's voltage with σ(E) settled: the planner's predicted current
  /// over the voltage.
  public var settled: Double
  /// The settled conductance at `i · tableStep` times the pair's voltage, relative to `settled`.
  let relative: [Double]
  static let tableStep = 0.05
  static let tableEntries = 41

  /// The current per volt with σ(E) settled at `voltage`. Exact at the pair's voltage; at another,
  /// the pair's solved field scaled to it, σ taken from the ramp at each node and weighted by the
  /// field's energy there (a conductivity change's effect on the current, to first order): no
  /// solve, a table look-up.
  public func settled(at voltage: Volts) -> Double {
    let position = voltage.value / pair.voltage.value / Self.tableStep
    guard position.isFinite, position > 0, let last = relative.last, let first = relative.first else {
      return settled * (relative.first ?? 1)
    }
    let index = Int(position)
    if index >= relative.count - 1 { return settled * last }
    let fraction = position - Double(index)
    let low = index == 0 ? first : relative[index]
    return settled * (low + (relative[index + 1] - low) * fraction)
  }

  /// How much the current rises from the tissue before its pores open to the tissue with σ(E)
  /// settled, at the pair's voltage: the ramp's shape, whatever the conductivity's scale.
  public var rise: Double { settled / unporated }
}

extension TreatmentPlanner {
  /// Each pair's conductance in tissue with `ramp` (`PairConductance`): per pair one solve with
  /// the ramp's low end everywhere and one with σ(E) settled, on `options.threads` threads, each
  /// with its grids allocated once. No zone is measured.
  public static func conductances(
    layout: ProbeLayout, ramp: ConductivityRamp, options: PlanningOptions = PlanningOptions()
  ) throws(PlanningError) -> [PairConductance] {
    let options = try options.validated()
    let context = PlanningContext(layout: layout, options: options)
    let weights = energyWeights(context)
    return forEachPair(context) { solver, pair in
      let unporated = context.solve(pair, with: solver, conductivity: .uniform(ramp.low))
      let settled = context.solve(pair, with: solver, conductivity: .fieldDependent(ramp), start: unporated)
      let energy = (0..<PairConductance.tableEntries).map { entry in
        ramp.energy(of: settled.field, weights: weights, scale: Double(entry) * PairConductance.tableStep)
      }
      let reference = ramp.energy(of: settled.field, weights: weights, scale: 1)
      return PairConductance(
        pair: pair, unporated: unporated.current.value / pair.voltage.value,
        settled: settled.current.value / pair.voltage.value,
        relative: energy.map { reference > 0 ? $0 / reference : 1 })
    }
  }

  /// The dual volume of each tissue node (0 inside a needle), for a field's energy.
  private static func energyWeights(_ context: PlanningContext) -> [Double] {
    let grid = context.grid
    var weights = [Double](repeating: 0, count: grid.count)
    var p = 0
    for k in 0..<grid.nz {
      for j in 0..<grid.ny {
        let area = grid.y.dual[j] * grid.z.dual[k]
        for i in 0..<grid.nx {
          if context.owner[p] < 0 { weights[p] = grid.x.dual[i] * area }
          p += 1
        }
      }
    }
    return weights
  }

  /// `body` for every pair of the context's layout, on `options.threads` threads, each with one
  /// solver (its grids allocated once); the results in the layout's order.
  static func forEachPair<Result: Sendable>(
    _ context: PlanningContext, _ body: @Sendable (PairSolver, NeedlePair, Int) -> Result
  ) -> [Result] {
    let pairs = context.layout.pairs
    let workers = Swift.max(1, Swift.min(context.options.threads, pairs.count))
    let next = Atomic<Int>(0)
    let results = Mutex<[Result?]>(Array(repeating: nil, count: pairs.count))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let solver = context.makeSolver()
      while true {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < pairs.count else { break }
        let result = body(solver, pairs[index], index)
        results.withLock { $0[index] = result }
      }
    }
    return results.withLock { $0.compactMap { $0 } }
  }

  static func forEachPair<Result: Sendable>(
    _ context: PlanningContext, _ body: @Sendable (PairSolver, NeedlePair) -> Result
  ) -> [Result] {
    forEachPair(context) { solver, pair, _ in body(solver, pair) }
  }
}

extension ConductivityRamp {
  /// Σ w·σ(s·E)·E² over the nodes: the energy of the field `field` (V/mm) scaled by `s`, with σ
  /// from the ramp at the scaled field, over s².
  func energy(of field: [Float], weights: [Double], scale: Double) -> Double {
    var total = 0.0
    for p in field.indices where weights[p] > 0 {
      let e = Double(field[p])
      total += weights[p] * value(atVoltsPerMillimetre: scale * e) * e * e
    }
    return total
  }
}
