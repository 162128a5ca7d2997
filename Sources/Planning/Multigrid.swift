/// The preconditioner of the conjugate gradient: one symmetric W-cycle of aggregation
/// multigrid over a hierarchy built once per grid and refilled (one pass per level) whenever
/// the conductivities change.
///
/// Each level is the Galerkin operator of the one above on aggregates of up to 2 × 2 × 2 nodes
/// (`StencilLevel.coarser`), so the needles, the cut edges and the graded spacing all carry
/// down with no geometry on the coarse levels. Red–black Gauss–Seidel smooths before and after
/// the coarse correction, and the coarsest level (a few hundred nodes) is solved exactly.
final class Multigrid {
  let levels: [StencilLevel]
  private let coarsest: CoarsestSolver
  /// Red–black sweeps before and after each coarse correction.
  let smoothingSweeps: Int
  /// Piecewise-constant prolongation under-corrects smooth errors (about twofold in three
  /// dimensions); scaling the correction up, below 2 so that the cycle stays a positive
  /// definite operator, makes up for part of it.
  let correctionScale: Float

  /// `fine` is the operator the solver assembles; the coarser levels are made here, down to a
  /// level of at most `coarsestNodes`. The defaults are measured (docs/planning.md, "Solver"):
  /// one sweep, a correction scaled by 1.5, and a W-cycle below the finest level (each coarse
  /// level visited twice), which cuts the iterations by half to two thirds for about 1.4 times
  /// the work per cycle, since each level has a third to a quarter of the nodes of the one
  /// above.
  init(fine: StencilLevel, smoothingSweeps: Int = 1, correctionScale: Double = 1.5, coarsestNodes: Int = 150)
  {
    var levels = [fine]
    while let last = levels.last, last.count > coarsestNodes, last.count > 1 {
      levels.append(last.coarser())
    }
    self.levels = levels
    coarsest = CoarsestSolver(level: levels[levels.count - 1])
    self.smoothingSweeps = smoothingSweeps
    self.correctionScale = Float(correctionScale)
  }

  /// The coarse levels' memory (the finest is the solver's).
  var bytes: Int { levels.dropFirst().reduce(0) { $0 + $1.bytes } }

  /// Rebuilds the coarse levels from the fine operator.
  func update() {
    for index in levels.indices.dropFirst() { levels[index].aggregate(levels[index - 1]) }
    coarsest.factorise()
  }

  /// e = M⁻¹ f.
  func apply(_ f: NodeBuffer<Double>, into e: NodeBuffer<Double>) {
    let fine = levels[0]
    let (source, rhs) = (f.pointer, fine.rhs.pointer)
    for p in 0..<fine.count { rhs[p] = Float(source[p]) }
    cycle(0, fromZero: true)
    let (solution, target) = (fine.solution.pointer, e.pointer)
    for p in 0..<fine.count { target[p] = Double(solution[p]) }
  }

  private func cycle(_ index: Int, fromZero: Bool) {
    let level = levels[index]
    guard index < levels.count - 1 else {
      coarsest.solve()
      return
    }
    if fromZero { level.solution.fill(0) }
    for sweep in 0..<smoothingSweeps { level.smooth(first: 0, residual: sweep == smoothingSweeps - 1) }
    let coarse = levels[index + 1]
    coarse.restrict(from: level)
    // The W-cycle: every coarse level is solved with two cycles of the level below it.
    cycle(index + 1, fromZero: true)
    if index + 1 < levels.count - 1 { cycle(index + 1, fromZero: false) }
    coarse.prolong(into: level, scale: correctionScale)
    for _ in 0..<smoothingSweeps { level.smooth(first: 1, residual: false) }
  }
}
