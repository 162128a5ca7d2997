/// Where one needle sits on the grid: the nodes inside its metal, and the grid edges its surface
/// cuts.
///
/// Nodes inside the needle hold the needle's potential. An edge from a tissue node to a node
/// inside is cut where it meets the needle's surface (the cylinder, or the flat end of the
/// exposure), and carries current over that shorter length only: a cut-cell finite-volume
/// scheme that keeps the matrix symmetric and sees the needle's true radius rather than a
/// staircase of whole cells.
struct NeedleFootprint: Sendable {
  /// One cut edge: the tissue node, the node inside the needle it points to, and its face area
  /// over the cut length (mm), which times σ is the edge's conductance.
  struct Cut: Sendable {
    var node: Int
    var inner: Int
    var factor: Double
  }

  let needle: Needle
  let inside: [Int]
  let cuts: [Cut]

  /// The shortest cut kept, as a fraction of the edge: a surface closer than this to a tissue
  /// node is moved to this distance, so that no conductance grows without bound (a shift of the
  /// surface of at most 5 % of a spacing).
  static let shortestCut = 0.05

  init(needle: Needle, grid: PlanningGrid) {
    self.needle = needle
    let cx = needle.x.value
    let cy = needle.y.value
    let radius = needle.radius.value
    let end = needle.exposure.value / 2
    var inside: [Int] = []
    for k in 0..<grid.nz where grid.z.nodes[k] <= end + 1e-9 {
      for j in 0..<grid.ny where Swift.abs(grid.y.nodes[j] - cy) <= radius {
        for i in 0..<grid.nx {
          let dx = grid.x.nodes[i] - cx
          let dy = grid.y.nodes[j] - cy
          if dx * dx + dy * dy <= radius * radius + 1e-12 { inside.append(grid.index(i, j, k)) }
        }
      }
    }
    self.inside = inside
    let members = Set(inside)
    var cuts: [Cut] = []
    for q in inside {
      let (i, j, k) = (q % grid.nx, (q / grid.nx) % grid.ny, q / (grid.nx * grid.ny))
      // The neighbours of q, each seen from the tissue node p looking towards q.
      let neighbours: [(Int, Int, Int, Axis, Int)] = [
        (i - 1, j, k, .x, 1), (i + 1, j, k, .x, -1), (i, j - 1, k, .y, 1), (i, j + 1, k, .y, -1),
        (i, j, k + 1, .z, -1),
      ]
      for (pi, pj, pk, axis, sign) in neighbours
      where pi >= 0 && pi < grid.nx && pj >= 0 && pj < grid.ny && pk < grid.nz {
        let p = grid.index(pi, pj, pk)
        guard !members.contains(p) else { continue }
        let length = Self.cutLength(needle: needle, grid: grid, i: pi, j: pj, k: pk, axis: axis, sign: sign)
        let area: Double
        switch axis {
        case .x: area = grid.y.dual[pj] * grid.z.dual[pk]
        case .y: area = grid.x.dual[pi] * grid.z.dual[pk]
        case .z: area = grid.x.dual[pi] * grid.y.dual[pj]
        }
        cuts.append(Cut(node: p, inner: q, factor: area / length))
      }
    }
    self.cuts = Self.logarithmicallyConsistent(cuts, needle: needle, grid: grid, members: members)
  }

  /// The cut edges with their conductances across the needle's side scaled, node by node, so
  /// that the potential of the needle alone, a + b·ln r, satisfies each tissue node's equation
  /// exactly.
  ///
  /// Next to a thin cylinder the potential is logarithmic in the distance from its axis, which a
  /// cut edge (linear along its length) gets wrong by a few per cent at one or two spacings per
  /// radius; the needle then looks thinner or thicker than it is, and since the field between
  /// two needles goes as 1/arccosh(spacing/2·radius), the whole field moves with it. The scale
  /// is geometric (σ is locally uniform around a needle) and is kept within 1/4...4; nodes within
  /// 2 % of a radius of the surface keep theirs.
  private static func logarithmicallyConsistent(
    _ cuts: [Cut], needle: Needle, grid: PlanningGrid, members: Set<Int>
  ) -> [Cut] {
    let radius = needle.radius.value
    let (cx, cy) = (needle.x.value, needle.y.value)
    func logDistance(_ i: Int, _ j: Int) -> Double {
      let dx = grid.x.nodes[i] - cx
      let dy = grid.y.nodes[j] - cy
      return 0.5 * log(dx * dx + dy * dy)
    }
    var lateral: [Int: Double] = [:]
    for cut in cuts where cut.inner / grid.strideZ == cut.node / grid.strideZ {
      lateral[cut.node, default: 0] += cut.factor
    }
    var scale: [Int: Double] = [:]
    for (node, cutFactor) in lateral {
      let (i, j, k) = (node % grid.nx, (node / grid.nx) % grid.ny, node / grid.strideZ)
      let own = logDistance(i, j)
      let fromSurface = own - log(radius)
      guard fromSurface > 0.02 else { continue }
      var imbalance = 0.0
      let neighbours = [(i - 1, j, true), (i + 1, j, true), (i, j - 1, false), (i, j + 1, false)]
      for (ni, nj, alongX) in neighbours where ni >= 0 && ni < grid.nx && nj >= 0 && nj < grid.ny {
        guard !members.contains(grid.index(ni, nj, k)) else { continue }
        let coupling =
          alongX
          ? grid.y.dual[j] * grid.z.dual[k] / grid.x.gaps[Swift.min(i, ni)]
          : grid.x.dual[i] * grid.z.dual[k] / grid.y.gaps[Swift.min(j, nj)]
        imbalance += coupling * (own - logDistance(ni, nj))
      }
      let factor = -imbalance / (cutFactor * fromSurface)
      if (0.25...4).contains(factor) { scale[node] = factor }
    }
    return cuts.map { cut in
      guard cut.inner / grid.strideZ == cut.node / grid.strideZ, let factor = scale[cut.node] else {
        return cut
      }
      return Cut(node: cut.node, inner: cut.inner, factor: cut.factor * factor)
    }
  }

  enum Axis {
    case x
    case y
    case z
  }

  /// From tissue node (i, j, k) along `axis`, towards higher (`sign` 1) or lower (−1) indices, the
  /// distance to the needle's surface, whose node next along that way is inside the needle.
  static func cutLength(
    needle: Needle, grid: PlanningGrid, i: Int, j: Int, k: Int, axis: Axis, sign: Int
  ) -> Double {
    let radius = needle.radius.value
    let gap: Double
    let length: Double
    switch axis {
    case .x:
      gap = sign > 0 ? grid.x.gaps[i] : grid.x.gaps[i - 1]
      let dy = grid.y.nodes[j] - needle.y.value
      let half = (Swift.max(radius * radius - dy * dy, 0)).squareRoot()
      let surface = needle.x.value - Double(sign) * half
      length = Double(sign) * (surface - grid.x.nodes[i])
    case .y:
      gap = sign > 0 ? grid.y.gaps[j] : grid.y.gaps[j - 1]
      let dx = grid.x.nodes[i] - needle.x.value
      let half = (Swift.max(radius * radius - dx * dx, 0)).squareRoot()
      let surface = needle.y.value - Double(sign) * half
      length = Double(sign) * (surface - grid.y.nodes[j])
    case .z:
      gap = grid.z.gaps[k - 1]
      length = grid.z.nodes[k] - needle.exposure.value / 2
    }
    return Swift.min(Swift.max(length, shortestCut * gap), gap)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
