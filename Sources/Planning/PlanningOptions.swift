import Units

/// The numerical settings of a plan. The defaults are those of `irectl plan`; docs/planning.md
/// shows how the answer moves with each.
public struct PlanningOptions: Sendable, Equatable {
  /// The grid spacing where the zone lies (around and between the needles).
  public var resolution: Millimetres = Millimetres(0.5)
  /// How far beyond the outermost needles, across them, the grid keeps `resolution`.
  public var lateralMargin: Millimetres = Millimetres(10)
  /// How far beyond the ends of the longest exposure the grid keeps `resolution`.
  public var axialMargin: Millimetres = Millimetres(10)
  /// How far beyond the fine region the grid reaches, its spacing growing geometrically, to the
  /// boundary where no current leaves the tissue.
  public var farDistance: Millimetres = Millimetres(60)
  /// The ratio of one spacing to the previous one outside the fine region.
  public var stretch: Double = 1.3
  /// Pairs solved at once (each on its own thread, with its own grids).
  public var threads: Int = 2
  /// The last linear solve of a pair ends when the residual has fallen to this fraction of the
  /// right-hand side's.
  public var tolerance: Double = 1e-5
  /// The same for the solves between two conductivity updates, which need be no more accurate
  /// than the conductivity they are solved with.
  public var updateTolerance: Double = 1e-4
  /// The sequential σ(E) updates end when no conductivity rose by more than this fraction.
  public var conductivityTolerance: Double = 0.01
  /// At most this many σ(E) updates per pair.
  public var maximumConductivityUpdates: Int = 40
  /// At most this many conjugate-gradient iterations per linear solve.
  public var maximumIterations: Int = 2000
  /// The conjugate gradient preconditioned by the multigrid cycle (true), or plain, for
  /// comparison only (`irectl bench plan`).
  public var preconditioned = true

  public init() {}

  func validated() throws(PlanningError) -> PlanningOptions {
    guard (0.05...2).contains(resolution.value) else {
      throw .invalidOption("resolution \(resolution.value) mm (allowed 0.05...2 mm)")
    }
    guard lateralMargin.value >= 2 * resolution.value, axialMargin.value >= 2 * resolution.value,
      farDistance.value >= 0
    else { throw .invalidOption("margins must be at least two grid spacings") }
    guard (1...3).contains(stretch) else { throw .invalidOption("stretch \(stretch) (allowed 1...3)") }
    guard threads >= 1, tolerance > 0, tolerance < 1, updateTolerance > 0, updateTolerance < 1,
      conductivityTolerance > 0, maximumConductivityUpdates >= 1, maximumIterations >= 1
    else { throw .invalidOption("threads, tolerances and the update limit must be positive") }
    return self
  }
}
