/// The edge of a zone (|E| ≥ threshold) as points: where the field crosses the threshold along
/// every grid edge, by linear interpolation between the two nodes. Extents measured on these
/// points are not limited to whole grid spacings.
struct ZoneSurface {
  struct Point {
    var x: Double
    var y: Double
    var z: Double
  }

  let points: [Point]
  /// Whether some node on the grid's outer boundary is in the zone (the zone is cut off there).
  let reachesBoundary: Bool

  /// Every crossing of `field` (V/mm per node) through `threshold`; `inPlane` keeps only the
  /// edges of the plane z = 0 (the probe plane).
  init(grid: PlanningGrid, field: [Float], threshold: Double, inPlane: Bool = false) {
    var points: [Point] = []
    var boundary = false
    let t = Float(threshold)
    let (xs, ys, zs) = (grid.x.nodes, grid.y.nodes, grid.z.nodes)
    let layers = inPlane ? 1 : grid.nz
    field.withUnsafeBufferPointer { f in
      for k in 0..<layers {
        for j in 0..<grid.ny {
          for i in 0..<grid.nx {
            let p = grid.index(i, j, k)
            let a = f[p]
            let inside = a >= t
            if inside, i == 0 || j == 0 || i == grid.nx - 1 || j == grid.ny - 1 || k == grid.nz - 1 {
              boundary = true
            }
            if i + 1 < grid.nx, (f[p + 1] >= t) != inside {
              let s = Double((t - a) / (f[p + 1] - a))
              points.append(Point(x: xs[i] + s * (xs[i + 1] - xs[i]), y: ys[j], z: zs[k]))
            }
            if j + 1 < grid.ny, (f[p + grid.strideY] >= t) != inside {
              let s = Double((t - a) / (f[p + grid.strideY] - a))
              points.append(Point(x: xs[i], y: ys[j] + s * (ys[j + 1] - ys[j]), z: zs[k]))
            }
            if !inPlane, k + 1 < grid.nz, (f[p + grid.strideZ] >= t) != inside {
              let s = Double((t - a) / (f[p + grid.strideZ] - a))
              points.append(Point(x: xs[i], y: ys[j], z: zs[k] + s * (zs[k + 1] - zs[k])))
            }
          }
        }
      }
    }
    self.points = points
    reachesBoundary = boundary
  }

  /// The extent of the points along the unit direction (ux, uy) in the x–y plane.
  func extent(alongX ux: Double, y uy: Double) -> Double {
    guard !points.isEmpty else { return 0 }
    var low = Double.infinity
    var high = -Double.infinity
    for point in points {
      let s = point.x * ux + point.y * uy
      low = Swift.min(low, s)
      high = Swift.max(high, s)
    }
    return high - low
  }

  /// Twice the highest point: the extent along the needles of a zone symmetric about z = 0.
  var height: Double { 2 * (points.map(\.z).max() ?? 0) }
}
