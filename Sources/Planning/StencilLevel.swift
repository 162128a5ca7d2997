/// A symmetric seven-point operator on a box of nodes: the finite-volume conductances to the
/// six neighbours and the diagonal, one level of the multigrid hierarchy.
///
/// `cx[p]` couples node p to p + 1, `cy[p]` to p + nx, `cz[p]` to p + nx·ny. A node whose
/// diagonal is 0 is inactive (inside a needle, or an aggregate of such nodes): all of its
/// couplings are 0 and the smoothers leave it at 0. Nothing here allocates after `init`.
///
/// The coefficients and the multigrid's vectors are single precision: the operator is the same
/// in every product (so the conjugate gradient, whose vectors are double, solves one symmetric
/// system), a preconditioner needs no more, and the sweeps, which are bound by memory traffic,
/// move half the bytes.
final class StencilLevel {
  let nx: Int
  let ny: Int
  let nz: Int
  let count: Int
  let strideY: Int
  let strideZ: Int
  let cx: NodeBuffer<Float>
  let cy: NodeBuffer<Float>
  let cz: NodeBuffer<Float>
  let diagonal: NodeBuffer<Float>
  /// 1 / diagonal, or 0 where the node is inactive.
  let inverse: NodeBuffer<Float>
  /// The part of the diagonal that is not the sum of the couplings: the conductance to the
  /// needles held at a potential (finest level only, for `apply`).
  let excess: NodeBuffer<Float>
  /// The multigrid's right-hand side, correction and residual on this level.
  let rhs: NodeBuffer<Float>
  let solution: NodeBuffer<Float>
  let residual: NodeBuffer<Float>

  /// Node positions along each axis (mm; on a coarse level the mean of the nodes merged).
  let xs: [Double]
  let ys: [Double]
  let zs: [Double]
  /// The spacing this level resolves (the fine grid's, about doubled per level).
  let spacing: Double
  /// For a coarse level: which node of this level each node of the finer one belongs to, per axis.
  let mapX: [Int]
  let mapY: [Int]
  let mapZ: [Int]

  /// The finest level: the grid itself.
  convenience init(grid: PlanningGrid, spacing: Double) {
    self.init(xs: grid.x.nodes, ys: grid.y.nodes, zs: grid.z.nodes, spacing: spacing, maps: ([], [], []))
  }

  private init(xs: [Double], ys: [Double], zs: [Double], spacing: Double, maps: ([Int], [Int], [Int])) {
    self.xs = xs
    self.ys = ys
    self.zs = zs
    self.spacing = spacing
    (mapX, mapY, mapZ) = maps
    nx = xs.count
    ny = ys.count
    nz = zs.count
    count = nx * ny * nz
    strideY = nx
    strideZ = nx * ny
    let (count, margin) = (count, strideZ)
    let make = { NodeBuffer<Float>(count: count, margin: margin) }
    cx = make()
    cy = make()
    cz = make()
    diagonal = make()
    inverse = make()
    excess = maps.0.isEmpty ? make() : NodeBuffer<Float>(count: 0, margin: 0)
    rhs = make()
    solution = make()
    residual = make()
  }

  var bytes: Int {
    [cx, cy, cz, diagonal, inverse, excess, rhs, solution, residual].reduce(0) { $0 + $1.bytes }
  }

  /// The next coarser level. Along each axis, neighbouring nodes are merged in pairs where
  /// their spacing is no wider than 1.5 times the spacing this level resolves, and left alone
  /// where the grid has already grown wider (outside the fine region). A node's couplings are
  /// strongest along its shortest spacing, and an aggregate must follow the strong couplings
  /// (merging across a weak one leaves errors that point relaxation cannot smooth): on a
  /// tensor grid that rule is per axis, and the coarse level is again a tensor grid.
  func coarser() -> StencilLevel {
    // The spacing resolved doubles until some pair of nodes can be merged, so that every level
    // is smaller than the one above.
    var limit = 1.5 * spacing
    var resolved = 2 * spacing
    let gaps = [xs, ys, zs].flatMap { zip($0.dropFirst(), $0).map { $0 - $1 } }
    while let narrowest = gaps.min(), narrowest > limit {
      limit *= 2
      resolved *= 2
    }
    func merge(_ nodes: [Double]) -> (positions: [Double], map: [Int]) {
      var positions: [Double] = []
      var map = [Int](repeating: 0, count: nodes.count)
      var index = 0
      while index < nodes.count {
        if index + 1 < nodes.count, nodes[index + 1] - nodes[index] <= limit {
          map[index] = positions.count
          map[index + 1] = positions.count
          positions.append((nodes[index] + nodes[index + 1]) / 2)
          index += 2
        } else {
          map[index] = positions.count
          positions.append(nodes[index])
          index += 1
        }
      }
      return (positions, map)
    }
    let (x, y, z) = (merge(xs), merge(ys), merge(zs))
    return StencilLevel(
      xs: x.positions, ys: y.positions, zs: z.positions, spacing: resolved, maps: (x.map, y.map, z.map))
  }

  /// Recomputes `inverse` from `diagonal`.
  func updateInverse() {
    let d = diagonal.pointer
    let inv = inverse.pointer
    for p in 0..<count { inv[p] = d[p] > 0 ? 1 / d[p] : 0 }
  }

  /// y = A x for the conjugate gradient's (double) vectors, on the finest level. Written as the
  /// sum of the currents along the edges, each edge's coupling times the difference of its two
  /// potentials, plus the current to the needles: an edge's current then leaves one node
  /// exactly as it enters the other, whatever the rounding of its coupling, so the solution
  /// conserves current (anode and cathode currents agree to the solver's tolerance).
  func apply(_ x: NodeBuffer<Double>, into y: NodeBuffer<Double>) {
    let (ax, ay, az, extra) = (cx.pointer, cy.pointer, cz.pointer, excess.pointer)
    let (u, out) = (x.pointer, y.pointer)
    let (sy, sz) = (strideY, strideZ)
    for p in 0..<count {
      let v = u[p]
      var sum = Double(ax[p]) * (v - u[p + 1]) + Double(ax[p - 1]) * (v - u[p - 1])
      sum += Double(ay[p]) * (v - u[p + sy]) + Double(ay[p - sy]) * (v - u[p - sy])
      sum += Double(az[p]) * (v - u[p + sz]) + Double(az[p - sz]) * (v - u[p - sz])
      out[p] = sum + Double(extra[p]) * v
    }
  }

  /// One symmetric Gauss–Seidel sweep on A solution = rhs in red–black (chequerboard) order:
  /// the nodes of one colour do not touch each other, so their updates are independent and run
  /// at the speed of memory rather than of a chain of dependent additions. `first` is the
  /// colour relaxed first: red then black before the coarse correction and black then red after
  /// keep the V-cycle symmetric, as the conjugate gradient needs.
  ///
  /// Both colours are done in one pass over memory: the second colour of layer k − 1 is
  /// relaxed right after the first colour of layer k, which is all it needs, while those layers
  /// are still in cache; the order of the arithmetic is that of two full passes. With
  /// `residual`, the residual follows one layer further behind, in the same pass; it is zero at
  /// the nodes of the second colour (which have just been solved for), so only the first is
  /// computed.
  func smooth(first: Int, residual withResidual: Bool) {
    let second = 1 - first
    for k in 0...(nz + 1) {
      if k < nz { relax(layer: k, colour: first) }
      if k >= 1, k - 1 < nz { relax(layer: k - 1, colour: second) }
      if withResidual, k >= 2 { computeResidual(layer: k - 2, colour: first, zero: second) }
    }
  }

  @inline(__always)
  private func relax(layer k: Int, colour: Int) {
    let (ax, ay, az, inv) = (cx.pointer, cy.pointer, cz.pointer, inverse.pointer)
    let (u, b) = (solution.pointer, rhs.pointer)
    let (sy, sz) = (strideY, strideZ)
    for j in 0..<ny {
      let row = nx * (j + ny * k)
      var i = (j + k + colour) & 1
      while i < nx {
        let p = row + i
        var sum = b[p] + ax[p] * u[p + 1] + ax[p - 1] * u[p - 1]
        sum += ay[p] * u[p + sy] + ay[p - sy] * u[p - sy]
        sum += az[p] * u[p + sz] + az[p - sz] * u[p - sz]
        u[p] = sum * inv[p]
        i += 2
      }
    }
  }

  @inline(__always)
  private func computeResidual(layer k: Int, colour: Int, zero: Int) {
    let (ax, ay, az, d) = (cx.pointer, cy.pointer, cz.pointer, diagonal.pointer)
    let (u, b, out) = (solution.pointer, rhs.pointer, residual.pointer)
    let (sy, sz) = (strideY, strideZ)
    for j in 0..<ny {
      let row = nx * (j + ny * k)
      var i = (j + k + zero) & 1
      while i < nx {
        out[row + i] = 0
        i += 2
      }
      i = (j + k + colour) & 1
      while i < nx {
        let p = row + i
        var sum = ax[p] * u[p + 1] + ax[p - 1] * u[p - 1]
        sum += ay[p] * u[p + sy] + ay[p - sy] * u[p - sy]
        sum += az[p] * u[p + sz] + az[p - sz] * u[p - sz]
        out[p] = b[p] - (d[p] * u[p] - sum)
        i += 2
      }
    }
  }

  /// The Galerkin operator Pᵀ A P of `fine`, P the piecewise-constant prolongation from this
  /// level's aggregates: the coupling of two aggregates is the sum of the fine couplings across
  /// their common face, and the diagonal the sum of the fine diagonals less twice the couplings
  /// inside the aggregate. It is again a seven-point operator, symmetric and positive wherever
  /// the fine one is, and costs one pass to build.
  func aggregate(_ fine: StencilLevel) {
    let (ax, ay, az, d) = (cx.pointer, cy.pointer, cz.pointer, diagonal.pointer)
    ax.update(repeating: 0, count: count)
    ay.update(repeating: 0, count: count)
    az.update(repeating: 0, count: count)
    d.update(repeating: 0, count: count)
    let (fx, fy, fz, fd) = (fine.cx.pointer, fine.cy.pointer, fine.cz.pointer, fine.diagonal.pointer)
    mapX.withUnsafeBufferPointer { mx in
      var p = 0
      for k in 0..<fine.nz {
        let zInside = k + 1 < fine.nz && mapZ[k] == mapZ[k + 1]
        for j in 0..<fine.ny {
          let row = nx * (mapY[j] + ny * mapZ[k])
          let yInside = j + 1 < fine.ny && mapY[j] == mapY[j + 1]
          for i in 0..<fine.nx {
            let c = row + mx[i]
            d[c] += fd[p]
            let vx = fx[p]
            if i + 1 < fine.nx && mx[i] == mx[i + 1] { d[c] -= 2 * vx } else { ax[c] += vx }
            let vy = fy[p]
            if yInside { d[c] -= 2 * vy } else { ay[c] += vy }
            let vz = fz[p]
            if zInside { d[c] -= 2 * vz } else { az[c] += vz }
            p += 1
          }
        }
      }
    }
    // Couplings out of the last node of an axis are zero, so the sums are exact there too.
    updateInverse()
  }

  /// This level's right-hand side: the sum of the finer level's residual over each aggregate
  /// (Pᵀ r).
  func restrict(from level: StencilLevel) {
    let out = rhs.pointer
    out.update(repeating: 0, count: count)
    let r = level.residual.pointer
    mapX.withUnsafeBufferPointer { mx in
      var p = 0
      for k in 0..<level.nz {
        for j in 0..<level.ny {
          let row = nx * (mapY[j] + ny * mapZ[k])
          for i in 0..<level.nx {
            out[row + mx[i]] += r[p]
            p += 1
          }
        }
      }
    }
  }

  /// The finer level's solution += scale · P (this level's solution), on its active nodes.
  func prolong(into level: StencilLevel, scale: Float) {
    let coarse = solution.pointer
    let u = level.solution.pointer
    let inv = level.inverse.pointer
    mapX.withUnsafeBufferPointer { mx in
      var p = 0
      for k in 0..<level.nz {
        for j in 0..<level.ny {
          let row = nx * (mapY[j] + ny * mapZ[k])
          for i in 0..<level.nx {
            if inv[p] != 0 { u[p] += scale * coarse[row + mx[i]] }
            p += 1
          }
        }
      }
    }
  }
}
