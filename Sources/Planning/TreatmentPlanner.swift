import Dispatch
import Synchronization
import Units

/// Plans a protocol: solves every pair's field (on `options.threads` threads, each with its own
/// grids, allocated once and reused for each pair it takes) and measures the zone.
public enum TreatmentPlanner {
  /// The planner's version, kept in the record with each session: a change that moves a zone
  /// (the model, the grid, the solver's tolerances) gets a new one, so that a zone is recomputed
  /// knowing whether it can come out as it did.
  public static let version = "1"

  /// `pairConductivity[i]`, where given and not `nil`, is pair i's own model instead of
  /// `conductivity` (a zone as delivered, with each pair's ramp fitted to its measured current).
  public static func plan(
    layout: ProbeLayout, conductivity: ConductivityModel, pairConductivity: [ConductivityModel?] = [],
    threshold: VoltsPerCentimetre, target: Ellipsoid? = nil, options: PlanningOptions = PlanningOptions()
  ) throws(PlanningError) -> TreatmentPlan {
    let options = try options.validated()
    guard pairConductivity.count <= layout.pairs.count else {
      throw .invalidOption("\(pairConductivity.count) conductivities for \(layout.pairs.count) pairs")
    }
    guard threshold.value > 0 else { throw .invalidOption("the threshold must be positive") }
    if let target {
      let radii = [target.radii.x, target.radii.y, target.radii.z]
      guard radii.allSatisfy({ $0.value > 0 }) else { throw .invalidOption("a target needs positive radii") }
    }
    let clock = ContinuousClock()
    let start = clock.now
    let context = PlanningContext(layout: layout, options: options)
    let models = layout.pairs.indices.map {
      $0 < pairConductivity.count ? pairConductivity[$0] ?? conductivity : conductivity
    }
    let (solutions, bytes) = solveAll(context: context, conductivity: models)
    let limit = threshold.value / 10
    var pairs: [PairPlan] = []
    var warnings: [PlanWarning] = []
    var strongest = [Float](repeating: 0, count: context.grid.count)
    for solution in solutions {
      let map = FieldMap(grid: context.grid, values: solution.field)
      let pair = analyse(solution, map: map, context: context, threshold: limit)
      pairs.append(pair)
      if pair.weakestFieldBetween < threshold {
        warnings.append(
          .noConfluentLesion(pair: pair.pair.label, weakest: pair.weakestFieldBetween, threshold: threshold))
      }
      if !solution.statistics.converged { warnings.append(.conductivityDidNotSettle(pair: pair.pair.label)) }
      for index in strongest.indices { strongest[index] = Swift.max(strongest[index], solution.field[index]) }
    }
    let field = FieldMap(grid: context.grid, values: strongest)
    let surface = ZoneSurface(grid: context.grid, field: strongest, threshold: limit)
    let zone = summary(surface, field: strongest, grid: context.grid, threshold: limit)
    if zone.reachesGridBoundary { warnings.append(.zoneReachesGridBoundary) }
    var coverage: TargetCoverage?
    if let target {
      let covered = measure(
        target, field: field, surface: surface, threshold: limit, spacing: options.resolution.value)
      coverage = covered
      if covered.margin.value < 0 || covered.fraction < 1 {
        warnings.append(.targetNotCovered(coverage: covered.fraction, margin: covered.margin))
      }
    }
    return TreatmentPlan(
      conductivity: conductivity, threshold: threshold, pairs: pairs, zone: zone, target: target,
      coverage: coverage, warnings: warnings, field: field, solveTime: clock.now - start,
      gridNodes: context.grid.count, gridBytes: bytes, context: context)
  }

  // MARK: - Solving

  /// Every pair's solution (pair i with `conductivity[i]`), in the layout's order, and the bytes
  /// the solvers held.
  private static func solveAll(
    context: PlanningContext, conductivity: [ConductivityModel]
  ) -> (solutions: [PairSolution], bytes: Int) {
    let pairs = context.layout.pairs
    let workers = Swift.min(context.options.threads, pairs.count)
    let next = Atomic<Int>(0)
    let results = Mutex<[PairSolution?]>(Array(repeating: nil, count: pairs.count))
    let memory = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let solver = context.makeSolver()
      memory.add(solver.bytes, ordering: .relaxed)
      while true {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < pairs.count else { break }
        let solution = context.solve(pairs[index], with: solver, conductivity: conductivity[index])
        results.withLock { $0[index] = solution }
      }
    }
    let solutions = results.withLock { $0.compactMap { $0 } }
    return (solutions, memory.load(ordering: .relaxed))
  }

  // MARK: - Measuring

  private static func analyse(
    _ solution: PairSolution, map: FieldMap, context: PlanningContext, threshold: Double
  ) -> PairPlan {
    let needles = context.layout.needles
    let anode = needles.first { $0.id == solution.pair.anode }
    let cathode = needles.first { $0.id == solution.pair.cathode }
    let (ax, ay) = (anode?.x.value ?? 0, anode?.y.value ?? 0)
    let (bx, by) = (cathode?.x.value ?? 0, cathode?.y.value ?? 0)
    let spacing = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
    let (ux, uy) = spacing > 0 ? ((bx - ax) / spacing, (by - ay) / spacing) : (1.0, 0.0)
    let midpoint = map.value((ax + bx) / 2, (ay + by) / 2, 0)
    // The weakest field on the segment between the two surfaces, sampled every quarter spacing.
    let first = anode?.radius.value ?? 0
    let last = spacing - (cathode?.radius.value ?? 0)
    let steps = Swift.max(8, Int((last - first) / (context.options.resolution.value / 4)))
    var weakest = Double.infinity
    for step in 0...steps {
      let s = first + (last - first) * Double(step) / Double(steps)
      weakest = Swift.min(weakest, map.value(ax + s * ux, ay + s * uy, 0))
    }
    let plane = ZoneSurface(grid: context.grid, field: solution.field, threshold: threshold, inPlane: true)
    let volume = ZoneSurface(grid: context.grid, field: solution.field, threshold: threshold)
    let zone = PairZone(
      along: Millimetres(plane.extent(alongX: ux, y: uy)),
      across: Millimetres(plane.extent(alongX: -uy, y: ux)),
      height: Millimetres(volume.height))
    return PairPlan(
      pair: solution.pair, spacing: Millimetres(spacing), midpointField: VoltsPerCentimetre(10 * midpoint),
      weakestFieldBetween: VoltsPerCentimetre(10 * weakest), zone: zone, current: solution.current,
      solution: solution)
  }

  private static func summary(
    _ surface: ZoneSurface, field: [Float], grid: PlanningGrid, threshold: Double
  ) -> ZoneSummary {
    var volume = 0.0
    let t = Float(threshold)
    var p = 0
    for k in 0..<grid.nz {
      for j in 0..<grid.ny {
        let area = grid.y.dual[j] * grid.z.dual[k]
        for i in 0..<grid.nx {
          if field[p] >= t { volume += grid.x.dual[i] * area }
          p += 1
        }
      }
    }
    return ZoneSummary(
      extentX: Millimetres(surface.extent(alongX: 1, y: 0)),
      extentY: Millimetres(surface.extent(alongX: 0, y: 1)),
      extentZ: Millimetres(surface.height), volume: 2 * volume / 1000,
      reachesGridBoundary: surface.reachesBoundary)
  }

  /// The covered fraction of `target` (a lattice of points through its volume, at most a quarter
  /// of the target's smallest radius and half a grid spacing apart) and its margin (points over
  /// its surface, each at its signed distance from the zone's edge).
  private static func measure(
    _ target: Ellipsoid, field: FieldMap, surface: ZoneSurface, threshold: Double, spacing: Double
  ) -> TargetCoverage {
    let (cx, cy, cz) = (target.centre.x.value, target.centre.y.value, target.centre.z.value)
    let (rx, ry, rz) = (target.radii.x.value, target.radii.y.value, target.radii.z.value)
    var step = Swift.min(spacing / 2, Swift.min(rx, ry, rz) / 4)
    // At most about a million points.
    while (2 * rx / step) * (2 * ry / step) * (2 * rz / step) > 1e6 { step *= 1.25 }
    var total = 0
    var inside = 0
    var z = cz - rz + step / 2
    while z < cz + rz {
      var y = cy - ry + step / 2
      while y < cy + ry {
        var x = cx - rx + step / 2
        while x < cx + rx {
          if target.contains(x, y, z) {
            total += 1
            if field.value(x, y, z) >= threshold { inside += 1 }
          }
          x += step
        }
        y += step
      }
      z += step
    }
    // Points over the surface, about half a grid spacing apart. The zone is symmetric about
    // z = 0: its edge below the plane is the mirror of the one above.
    let ring = Swift.max(12, Int((2 * Double.pi * Swift.max(rx, ry, rz) / (spacing / 2)).rounded(.up)))
    var outside: [(Double, Double, Double)] = []
    var inner: [(Double, Double, Double)] = []
    for latitude in 0...(ring / 2) {
      let theta = Double.pi * Double(latitude) / Double(ring / 2)
      let around = Swift.max(1, Int((Double(ring) * sin(theta)).rounded(.up)))
      for longitude in 0..<around {
        let phi = 2 * Double.pi * Double(longitude) / Double(around)
        let x = cx + rx * sin(theta) * cos(phi)
        let y = cy + ry * sin(theta) * sin(phi)
        let z = Swift.abs(cz + rz * cos(theta))
        if field.value(x, y, z) >= threshold { inner.append((x, y, z)) } else { outside.append((x, y, z)) }
      }
    }
    let index = NearestPointIndex(points: surface.points, cell: Swift.max(1, 2 * spacing))
    var margin: Double
    if outside.isEmpty {
      // All inside: the margin is the nearest approach of the surface to the zone's edge; a point
      // need only be searched as far as the nearest found so far.
      margin = .infinity
      for (x, y, z) in inner { margin = Swift.min(margin, index.distance(x: x, y: y, z: z, within: margin)) }
    } else {
      // Sticking out: by as much as the point furthest outside.
      margin = 0
      for (x, y, z) in outside { margin = Swift.min(margin, -index.distance(x: x, y: y, z: z)) }
    }
    if !margin.isFinite { margin = -Swift.max(rx, ry, rz) }
    return TargetCoverage(
      fraction: total > 0 ? Double(inside) / Double(total) : 0, margin: Millimetres(margin))
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
