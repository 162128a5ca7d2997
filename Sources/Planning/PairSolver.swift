import Units

/// Solves the field of one probe pair after another on one grid, in memory it allocates once.
///
/// The discretisation is a vertex-centred finite-volume scheme on the plan's tensor grid: each
/// node's dual cell exchanges current with its six neighbours through conductances σ·area/length,
/// σ on an edge the mean of its two nodes; edges that reach into a needle are cut at the needle's
/// surface (`NeedleFootprint`). The anode's and cathode's nodes hold their potentials; each other
/// needle is a floating conductor: one extra unknown, its potential, tied to the tissue around
/// it by its cut edges, with zero net current as its equation. That is exact for a metal needle
/// (it is equipotential and its relay is open) and keeps the matrix symmetric positive definite,
/// where a high-conductivity region would ruin the conditioning.
///
/// The linear systems are solved by the conjugate gradient preconditioned with one aggregation-
/// multigrid V-cycle on the grid unknowns (and the diagonal on the floating potentials).
/// With field-dependent conductivity the solver raises σ from |E| and solves again, warm
/// started, until σ settles; σ never decreases.
final class PairSolver {
  let grid: PlanningGrid
  let footprints: [NeedleFootprint]
  let options: PlanningOptions
  /// Per node: the index of the needle it is inside, or −1 in tissue.
  let owner: [Int8]

  let sigma: NodeBuffer<Double>
  let potential: NodeBuffer<Double>
  let field: NodeBuffer<Double>
  let rhs: NodeBuffer<Double>
  let residual: NodeBuffer<Double>
  let preconditioned: NodeBuffer<Double>
  let direction: NodeBuffer<Double>
  let product: NodeBuffer<Double>
  let fine: StencilLevel
  let multigrid: Multigrid

  /// Per needle: potential (V) for this pair; role; and for a floating needle its cut
  /// conductances and the conjugate-gradient's scalars.
  private var needleValue: [Double]
  private var isFloating: [Bool]
  private var anode = 0
  private var cathode = 1
  private var floatingConductance: [[Double]]
  private var floatingDiagonal: [Double]
  /// The floating needles of this pair (indices into `footprints`).
  private var floating: [Int] = []
  /// Per floating needle (in `floating`'s order): M⁻¹ of its coupling column, and the inverse of
  /// the approximate Schur complement of the floating potentials (see `precondition`).
  private let responses: [NodeBuffer<Double>]
  private var schurInverse: [Double] = []
  /// Whether the floating potentials' preconditioner is the block factorisation (true) or, when
  /// its Schur complement was not positive definite, their diagonal alone.
  private var floatingBlockCoupled = true
  private var floatResidual: [Double]
  private var floatPreconditioned: [Double]
  private var floatDirection: [Double]
  private var floatProduct: [Double]

  init(grid: PlanningGrid, footprints: [NeedleFootprint], owner: [Int8], options: PlanningOptions) {
    self.grid = grid
    self.footprints = footprints
    self.owner = owner
    self.options = options
    let make = { NodeBuffer<Double>(count: grid.count, margin: grid.strideZ) }
    sigma = make()
    potential = make()
    field = make()
    rhs = make()
    residual = make()
    preconditioned = make()
    direction = make()
    product = make()
    fine = StencilLevel(grid: grid, spacing: options.resolution.value)
    multigrid = Multigrid(fine: fine)
    let needles = footprints.count
    needleValue = Array(repeating: 0, count: needles)
    isFloating = Array(repeating: false, count: needles)
    floatingConductance = footprints.map { Array(repeating: 0, count: $0.cuts.count) }
    floatingDiagonal = Array(repeating: 0, count: needles)
    floatResidual = Array(repeating: 0, count: needles)
    floatPreconditioned = Array(repeating: 0, count: needles)
    floatDirection = Array(repeating: 0, count: needles)
    floatProduct = Array(repeating: 0, count: needles)
    responses = (0..<Swift.max(needles - 2, 0)).map { _ in make() }
  }

  /// The memory this solver holds for its grids, in bytes.
  var bytes: Int {
    ([sigma, potential, field, rhs, residual, preconditioned, direction, product] + responses).reduce(0) {
      $0 + $1.bytes
    } + fine.bytes + multigrid.bytes + owner.count
  }

  // MARK: - One pair

  /// Solves `pair` (`anode` and `cathode` are indices into the footprints), from `start` if given
  /// (a solution of this grid), else from scratch.
  func solve(
    _ pair: NeedlePair, anode: Int, cathode: Int, conductivity: ConductivityModel, start: PairSolution? = nil
  ) -> PairSolution {
    self.anode = anode
    self.cathode = cathode
    for needle in footprints.indices {
      isFloating[needle] = needle != anode && needle != cathode
      needleValue[needle] = needle == anode ? pair.voltage.value : 0
    }
    floating = footprints.indices.filter { isFloating[$0] }
    var statistics = SolveStatistics()
    let clock = ContinuousClock()
    let started = clock.now
    initialise(pair: pair, conductivity: conductivity, start: start)
    switch conductivity {
    case .uniform:
      assemble()
      statistics.iterations += solveLinear(tolerance: options.tolerance)
      statistics.solves = 1
      computeField()
    case .fieldDependent(let ramp):
      let loose = Swift.max(options.tolerance, options.updateTolerance)
      statistics.converged = false
      var change = Double.infinity
      for update in 0...options.maximumConductivityUpdates {
        assemble()
        statistics.iterations += solveLinear(tolerance: loose)
        statistics.solves += 1
        computeField()
        if update == options.maximumConductivityUpdates { break }
        change = raiseConductivity(ramp)
        statistics.lastConductivityChange = change
        if change <= options.conductivityTolerance {
          statistics.converged = true
          break
        }
      }
      // The last solve to the full tolerance: with the conductivity just raised, or (when the
      // last update raised nothing) continuing from where the last solve stopped.
      if change > 0 { assemble() }
      statistics.iterations += solveLinear(tolerance: options.tolerance)
      if change > 0 { statistics.solves += 1 }
      computeField()
    }
    statistics.seconds = (clock.now - started) / .seconds(1)
    return solution(pair, conductivity: conductivity, statistics: statistics)
  }

  private func initialise(pair: NeedlePair, conductivity: ConductivityModel, start: PairSolution?) {
    let u = potential.pointer
    let s = sigma.pointer
    if let start, start.potential.count == grid.count {
      // A solution of this pair at another voltage or conductivity: its potential scaled to this
      // voltage is a close first guess; σ starts again from the tissue's, for a new train.
      let factor = pair.voltage.value / start.pair.voltage.value
      for p in 0..<grid.count { u[p] = Double(start.potential[p]) * factor }
      for (index, footprint) in footprints.enumerated() where isFloating[index] {
        needleValue[index] = (start.floatingPotentials[footprint.needle.id]?.value ?? 0) * factor
      }
    } else {
      potential.fill(pair.voltage.value / 2)
      for index in footprints.indices where isFloating[index] { needleValue[index] = pair.voltage.value / 2 }
    }
    s.update(repeating: conductivity.initial, count: grid.count)
    for (index, footprint) in footprints.enumerated() {
      for node in footprint.inside {
        s[node] = 0
        u[node] = needleValue[index]
      }
    }
  }

  // MARK: - Assembly

  /// Fills the fine operator and the right-hand side from σ and the needles' roles.
  private func assemble() {
    let (ax, ay, az, d) = (fine.cx.pointer, fine.cy.pointer, fine.cz.pointer, fine.diagonal.pointer)
    let extra = fine.excess.pointer
    let s = sigma.pointer
    let b = rhs.pointer
    let (nx, ny, nz) = (grid.nx, grid.ny, grid.nz)
    let (sy, sz) = (grid.strideY, grid.strideZ)
    let (gapX, gapY, gapZ) = (grid.x.gaps, grid.y.gaps, grid.z.gaps)
    let (dualX, dualY, dualZ) = (grid.x.dual, grid.y.dual, grid.z.dual)
    owner.withUnsafeBufferPointer { inNeedle in
      var p = 0
      for k in 0..<nz {
        for j in 0..<ny {
          let areaX = dualY[j] * dualZ[k]
          for i in 0..<nx {
            let tissue = inNeedle[p] < 0
            ax[p] =
              tissue && i + 1 < nx && inNeedle[p + 1] < 0
              ? Float(areaX / gapX[i] * 0.5 * (s[p] + s[p + 1])) : 0
            ay[p] =
              tissue && j + 1 < ny && inNeedle[p + sy] < 0
              ? Float(dualX[i] * dualZ[k] / gapY[j] * 0.5 * (s[p] + s[p + sy])) : 0
            az[p] =
              tissue && k + 1 < nz && inNeedle[p + sz] < 0
              ? Float(dualX[i] * dualY[j] / gapZ[k] * 0.5 * (s[p] + s[p + sz])) : 0
            p += 1
          }
        }
      }
      for p in 0..<grid.count {
        d[p] = inNeedle[p] < 0 ? ax[p] + ax[p - 1] + ay[p] + ay[p - sy] + az[p] + az[p - sz] : 0
        extra[p] = 0
        b[p] = 0
      }
    }
    // The cut edges into the needles: to the diagonal (and to `excess`, the part of it that is not
    // a coupling of the grid), to the right-hand side for the needles held at a potential, and
    // for a floating needle to its row and column. Every use of a cut
    // edge's conductance takes the same single-precision value, as the operator does.
    for (index, footprint) in footprints.enumerated() {
      var total = 0.0
      for (cutIndex, cut) in footprint.cuts.enumerated() {
        let rounded = Float(s[cut.node] * cut.factor)
        let conductance = Double(rounded)
        d[cut.node] += rounded
        extra[cut.node] += rounded
        if isFloating[index] {
          floatingConductance[index][cutIndex] = conductance
          total += conductance
        } else {
          b[cut.node] += conductance * needleValue[index]
        }
      }
      floatingDiagonal[index] = total
    }
    fine.updateInverse()
    guard options.preconditioned else { return }
    multigrid.update()
    // The floating block is prepared again with every operator: the preconditioner is
    // symmetric only while W = M B holds for the cycle M of this operator, and a W left from the
    // conductivities before an update stalls the conjugate gradient (seen on coarse grids).
    prepareFloatingBlock()
  }

  /// W_f = M⁻¹ B_f for each floating needle f (B_f its column of the operator: −g at the tissue
  /// nodes its cut edges reach), and S = D − Bᵀ W, the Schur complement of the floating
  /// potentials with the multigrid cycle standing for the grid block's inverse.
  private func prepareFloatingBlock() {
    let n = floating.count
    guard n > 0 else { return }
    let r = residual.pointer
    for (position, f) in floating.enumerated() {
      residual.fill(0)
      for (cutIndex, cut) in footprints[f].cuts.enumerated() {
        r[cut.node] -= floatingConductance[f][cutIndex]
      }
      multigrid.apply(residual, into: responses[position])
    }
    var schur = [Double](repeating: 0, count: n * n)
    for (row, f) in floating.enumerated() {
      for column in 0..<n {
        let w = responses[column].pointer
        var product = 0.0
        for (cutIndex, cut) in footprints[f].cuts.enumerated() {
          product -= floatingConductance[f][cutIndex] * w[cut.node]
        }
        schur[row * n + column] = (row == column ? floatingDiagonal[f] : 0) - product
      }
    }
    // Symmetric by construction up to rounding; made exactly so, and checked positive definite.
    for row in 0..<n {
      for column in (row + 1)..<Swift.max(n, row + 1) {
        let mean = (schur[row * n + column] + schur[column * n + row]) / 2
        schur[row * n + column] = mean
        schur[column * n + row] = mean
      }
    }
    schurInverse =
      Self.invertPositiveDefinite(schur, size: n)
      ?? {
        // The cycle overestimated the grid's inverse along a coupling: fall back to the diagonal
        // (Jacobi) for the floating potentials, which is always positive.
        var diagonal = [Double](repeating: 0, count: n * n)
        for (row, f) in floating.enumerated() where floatingDiagonal[f] > 0 {
          diagonal[row * n + row] = 1 / floatingDiagonal[f]
        }
        for position in floating.indices { responses[position].fill(0) }
        return diagonal
      }()
  }

  /// The inverse of a small symmetric matrix by Gauss–Jordan elimination, or `nil` when it is not
  /// positive definite (a pivot not positive).
  static func invertPositiveDefinite(_ matrix: [Double], size n: Int) -> [Double]? {
    var a = matrix
    var inverse = [Double](repeating: 0, count: n * n)
    for i in 0..<n { inverse[i * n + i] = 1 }
    for column in 0..<n {
      let pivot = a[column * n + column]
      guard pivot > 0, pivot.isFinite else { return nil }
      for k in 0..<n {
        a[column * n + k] /= pivot
        inverse[column * n + k] /= pivot
      }
      for row in 0..<n where row != column {
        let factor = a[row * n + column]
        guard factor != 0 else { continue }
        for k in 0..<n {
          a[row * n + k] -= factor * a[column * n + k]
          inverse[row * n + k] -= factor * inverse[column * n + k]
        }
      }
    }
    return inverse
  }

  // MARK: - Conjugate gradient

  /// Solves A u = b from the current potential; returns the iterations taken.
  private func solveLinear(tolerance: Double) -> Int {
    let count = grid.count
    let (u, r, z, dir, q, b) =
      (
        potential.pointer, residual.pointer, preconditioned.pointer, direction.pointer, product.pointer,
        rhs.pointer
      )
    // r = b − A u (grid and floating unknowns).
    applyOperator(potential, floatingValues: floating.map { needleValue[$0] }, into: product)
    var normB = 0.0
    var normR = 0.0
    for p in 0..<count {
      r[p] = b[p] - q[p]
      normB += b[p] * b[p]
      normR += r[p] * r[p]
    }
    for f in floating {
      floatResidual[f] = -floatProduct[f]
      normR += floatResidual[f] * floatResidual[f]
    }
    guard normB > 0 else { return 0 }
    let goal = tolerance * tolerance * normB
    if normR <= goal { return 0 }
    var rho = precondition()
    dir.update(from: z, count: count)
    for f in floating { floatDirection[f] = floatPreconditioned[f] }
    var iterations = 0
    while iterations < options.maximumIterations {
      iterations += 1
      applyOperator(direction, floatingValues: floating.map { floatDirection[$0] }, into: product)
      var curvature = 0.0
      for p in 0..<count { curvature += dir[p] * q[p] }
      for f in floating { curvature += floatDirection[f] * floatProduct[f] }
      guard curvature > 0 else { break }
      let alpha = rho / curvature
      normR = 0
      for p in 0..<count {
        u[p] += alpha * dir[p]
        r[p] -= alpha * q[p]
        normR += r[p] * r[p]
      }
      for f in floating {
        needleValue[f] += alpha * floatDirection[f]
        floatResidual[f] -= alpha * floatProduct[f]
        normR += floatResidual[f] * floatResidual[f]
      }
      if normR <= goal { break }
      let next = precondition()
      let beta = next / rho
      rho = next
      for p in 0..<count { dir[p] = z[p] + beta * dir[p] }
      for f in floating { floatDirection[f] = floatPreconditioned[f] + beta * floatDirection[f] }
    }
    // The needles' own nodes hold their potentials (the floating ones have just been solved for).
    for (index, footprint) in footprints.enumerated() {
      for node in footprint.inside { u[node] = needleValue[index] }
    }
    return iterations
  }

  /// z = M⁻¹ r; returns r·z.
  ///
  /// The operator has the blocks [[A, B], [Bᵀ, D]]: the grid, and the floating potentials, each
  /// tied to the tissue around its needle. The preconditioner is its block factorisation with
  /// one multigrid cycle M standing for A⁻¹: y = M r_grid; z_float = S⁻¹ (r_float − Bᵀ y);
  /// z_grid = y − W z_float, with W = M B and S = D − Bᵀ W computed once per operator. That is
  /// symmetric and positive definite (S is checked), and exact in the floating potentials as
  /// far as the cycle is: a plain diagonal there would leave the conjugate gradient to find
  /// the floating needles' potentials on its own, at twice the iterations.
  private func precondition() -> Double {
    let (r, z) = (residual.pointer, preconditioned.pointer)
    guard options.preconditioned else {
      // The plain conjugate gradient, for comparison (`irectl bench plan`): z = r.
      z.update(from: r, count: grid.count)
      var dot = 0.0
      for p in 0..<grid.count { dot += r[p] * r[p] }
      for f in floating {
        floatPreconditioned[f] = floatResidual[f]
        dot += floatResidual[f] * floatResidual[f]
      }
      return dot
    }
    multigrid.apply(residual, into: preconditioned)
    let n = floating.count
    if n > 0 {
      var reduced = [Double](repeating: 0, count: n)
      for (position, f) in floating.enumerated() {
        var coupled = floatResidual[f]
        for (cutIndex, cut) in footprints[f].cuts.enumerated() where floatingBlockCoupled {
          coupled += floatingConductance[f][cutIndex] * z[cut.node]
        }
        reduced[position] = coupled
      }
      for (row, f) in floating.enumerated() {
        var value = 0.0
        for column in 0..<n { value += schurInverse[row * n + column] * reduced[column] }
        floatPreconditioned[f] = value
      }
      for (position, f) in floating.enumerated() {
        let w = responses[position].pointer
        let value = floatPreconditioned[f]
        for p in 0..<grid.count { z[p] -= w[p] * value }
      }
    }
    var dot = 0.0
    for p in 0..<grid.count { dot += r[p] * z[p] }
    for f in floating { dot += floatResidual[f] * floatPreconditioned[f] }
    return dot
  }

  /// The whole operator: the grid's stencil plus the floating needles' rows and columns. The
  /// floating needles' results go to `floatProduct`.
  private func applyOperator(
    _ x: NodeBuffer<Double>, floatingValues: [Double], into y: NodeBuffer<Double>
  ) {
    fine.apply(x, into: y)
    let (u, out) = (x.pointer, y.pointer)
    for (position, f) in floating.enumerated() {
      let value = floatingValues[position]
      var net = 0.0
      for (cutIndex, cut) in footprints[f].cuts.enumerated() {
        let g = floatingConductance[f][cutIndex]
        out[cut.node] -= g * value
        net += g * (value - u[cut.node])
      }
      floatProduct[f] = net
    }
  }

  // MARK: - Field and conductivity

  /// |E| (V/mm) at every node from the potential: a three-point derivative along each axis,
  /// with the needle's surface (at its cut distance, at its potential) as the point on a side
  /// where the neighbour is inside a needle, and the mirror image below z = 0.
  private func computeField() {
    let u = potential.pointer
    let e = field.pointer
    let (nx, ny, nz) = (grid.nx, grid.ny, grid.nz)
    let (sy, sz) = (grid.strideY, grid.strideZ)
    owner.withUnsafeBufferPointer { inNeedle in
      @inline(__always) func side(
        _ p: Int, _ q: Int, exists: Bool, gap: () -> Double, i: Int, j: Int, k: Int,
        axis: NeedleFootprint.Axis, sign: Int
      ) -> (Double, Double)? {
        guard exists else { return nil }
        let needle = Int(inNeedle[q])
        if needle < 0 { return (gap(), u[q]) }
        let length = NeedleFootprint.cutLength(
          needle: footprints[needle].needle, grid: grid, i: i, j: j, k: k, axis: axis, sign: sign)
        return (length, needleValue[needle])
      }
      var p = 0
      for k in 0..<nz {
        for j in 0..<ny {
          for i in 0..<nx {
            defer { p += 1 }
            guard inNeedle[p] < 0 else { continue }
            let f0 = u[p]
            let ex = Self.derivative(
              f0,
              side(
                p, p - 1, exists: i > 0, gap: { grid.x.gaps[i - 1] }, i: i, j: j, k: k, axis: .x, sign: -1),
              side(p, p + 1, exists: i + 1 < nx, gap: { grid.x.gaps[i] }, i: i, j: j, k: k, axis: .x, sign: 1)
            )
            let ey = Self.derivative(
              f0,
              side(
                p, p - sy, exists: j > 0, gap: { grid.y.gaps[j - 1] }, i: i, j: j, k: k, axis: .y, sign: -1),
              side(
                p, p + sy, exists: j + 1 < ny, gap: { grid.y.gaps[j] }, i: i, j: j, k: k, axis: .y, sign: 1))
            let ez =
              k == 0
              ? 0
              : Self.derivative(
                f0,
                side(
                  p, p - sz, exists: true, gap: { grid.z.gaps[k - 1] }, i: i, j: j, k: k, axis: .z, sign: -1),
                side(
                  p, p + sz, exists: k + 1 < nz, gap: { grid.z.gaps[k] }, i: i, j: j, k: k, axis: .z, sign: 1)
              )
            e[p] = (ex * ex + ey * ey + ez * ez).squareRoot()
          }
        }
      }
      // Inside a needle: the strongest field at its surface, so that the zone and the maps run
      // on through the needle's track.
      for footprint in footprints {
        for node in footprint.inside { e[node] = 0 }
        for cut in footprint.cuts { e[cut.inner] = Swift.max(e[cut.inner], e[cut.node]) }
      }
    }
  }

  /// dφ/ds at a node from its neighbours at distances `minus.0` below and `plus.0` above
  /// (second order on an uneven spacing), or one-sided where only one exists.
  @inline(__always)
  static func derivative(_ f0: Double, _ minus: (Double, Double)?, _ plus: (Double, Double)?) -> Double {
    switch (minus, plus) {
    case let (.some((h1, f1)), .some((h2, f2))):
      return (h1 * h1 * (f2 - f0) - h2 * h2 * (f1 - f0)) / (h1 * h2 * (h1 + h2))
    case let (.some((h1, f1)), .none): return (f0 - f1) / h1
    case let (.none, .some((h2, f2))): return (f2 - f0) / h2
    case (.none, .none): return 0
    }
  }

  /// σ ← max(σ, σ(|E|)) in the tissue; returns the largest relative rise.
  private func raiseConductivity(_ ramp: ConductivityRamp) -> Double {
    let s = sigma.pointer
    let e = field.pointer
    var largest = 0.0
    owner.withUnsafeBufferPointer { inNeedle in
      for p in 0..<grid.count where inNeedle[p] < 0 {
        let target = ramp.value(atVoltsPerMillimetre: e[p])
        if target > s[p] {
          largest = Swift.max(largest, (target - s[p]) / s[p])
          s[p] = target
        }
      }
    }
    return largest
  }

  // MARK: - Result

  private func solution(
    _ pair: NeedlePair, conductivity: ConductivityModel, statistics: SolveStatistics
  ) -> PairSolution {
    let count = grid.count
    let (u, e, s) = (potential.pointer, field.pointer, sigma.pointer)
    var anodeCurrent = 0.0
    var cathodeCurrent = 0.0
    var floating: [Int: Volts] = [:]
    for (index, footprint) in footprints.enumerated() {
      var net = 0.0
      for cut in footprint.cuts {
        net += Double(Float(s[cut.node] * cut.factor)) * (needleValue[index] - u[cut.node])
      }
      // σ (S/m) × length (mm) is mS: a current in mA per volt; both halves of z.
      let amperes = 2 * net / 1000
      if isFloating[index] {
        floating[footprint.needle.id] = Volts(needleValue[index])
      } else if index == anode {
        anodeCurrent = amperes
      } else if index == cathode {
        cathodeCurrent = -amperes
      }
    }
    return PairSolution(
      pair: pair, conductivity: conductivity,
      potential: (0..<count).map { Float(u[$0]) }, field: (0..<count).map { Float(e[$0]) },
      sigma: (0..<count).map { Float(s[$0]) }, current: Amperes(anodeCurrent),
      cathodeCurrent: Amperes(cathodeCurrent), floatingPotentials: floating, statistics: statistics)
  }
}
