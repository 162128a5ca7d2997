/// The grid of a plan and where its needles sit on it: built once per plan, shared (read only)
/// by every thread that solves a pair.
struct PlanningContext: Sendable {
  let layout: ProbeLayout
  let options: PlanningOptions
  let grid: PlanningGrid
  let footprints: [NeedleFootprint]
  /// Per node: the index of the needle it is inside, or −1 in tissue.
  let owner: [Int8]

  init(layout: ProbeLayout, options: PlanningOptions) {
    self.layout = layout
    self.options = options
    let grid = PlanningGrid(needles: layout.needles, options: options)
    self.grid = grid
    let footprints = layout.needles.map { NeedleFootprint(needle: $0, grid: grid) }
    self.footprints = footprints
    var owner = [Int8](repeating: -1, count: grid.count)
    for (index, footprint) in footprints.enumerated() {
      for node in footprint.inside { owner[node] = Int8(index) }
    }
    self.owner = owner
  }

  func makeSolver() -> PairSolver {
    PairSolver(grid: grid, footprints: footprints, owner: owner, options: options)
  }

  /// Solves one pair of the layout with a solver made by `makeSolver`.
  func solve(
    _ pair: NeedlePair, with solver: PairSolver, conductivity: ConductivityModel, start: PairSolution? = nil
  ) -> PairSolution {
    let anode = layout.index(of: pair.anode) ?? 0
    let cathode = layout.index(of: pair.cathode) ?? 1
    return solver.solve(pair, anode: anode, cathode: cathode, conductivity: conductivity, start: start)
  }
}
