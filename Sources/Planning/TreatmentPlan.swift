import Units

/// The plan of a protocol: each pair's field, the zone of all of them, the target's coverage.
public struct TreatmentPlan: Sendable {
  public var layout: ProbeLayout { context.layout }
  public var options: PlanningOptions { context.options }
  public var conductivity: ConductivityModel
  public var threshold: VoltsPerCentimetre
  public var pairs: [PairPlan]
  public var zone: ZoneSummary
  public var target: Ellipsoid?
  public var coverage: TargetCoverage?
  public var warnings: [PlanWarning]
  /// The strongest field of any pair at each point.
  public var field: FieldMap
  /// The wall time of the solves and the analysis.
  public var solveTime: Duration
  /// Nodes of the grid, and the bytes of the grids the solvers held (all threads).
  public var gridNodes: Int
  public var gridBytes: Int
  let context: PlanningContext

  /// `pair` solved again on this plan's grid at another voltage or with another conductivity
  /// (a ramp fitted to a measured current), started from this plan's solution of it.
  public func resolve(_ pair: PairPlan, voltage: Volts, conductivity: ConductivityModel) -> PairSolution {
    var changed = pair.pair
    changed.voltage = voltage
    let solver = context.makeSolver()
    return context.solve(changed, with: solver, conductivity: conductivity, start: pair.solution)
  }
}
