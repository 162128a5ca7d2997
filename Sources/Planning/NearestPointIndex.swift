/// The nearest of many points, found through a grid of buckets: the distance from a target's
/// surface to the edge of the zone.
struct NearestPointIndex {
  private let points: [ZoneSurface.Point]
  private let cell: Double
  private let origin: (x: Double, y: Double, z: Double)
  private let size: (x: Int, y: Int, z: Int)
  private let buckets: [[Int32]]

  init(points: [ZoneSurface.Point], cell: Double) {
    self.points = points
    self.cell = cell
    let minX = points.map(\.x).min() ?? 0
    let minY = points.map(\.y).min() ?? 0
    let minZ = points.map(\.z).min() ?? 0
    origin = (minX, minY, minZ)
    let sx = Int(((points.map(\.x).max() ?? 0) - minX) / cell) + 1
    let sy = Int(((points.map(\.y).max() ?? 0) - minY) / cell) + 1
    let sz = Int(((points.map(\.z).max() ?? 0) - minZ) / cell) + 1
    size = (sx, sy, sz)
    var buckets = [[Int32]](repeating: [], count: sx * sy * sz)
    for (index, point) in points.enumerated() {
      let i = Swift.min(Int((point.x - minX) / cell), sx - 1)
      let j = Swift.min(Int((point.y - minY) / cell), sy - 1)
      let k = Swift.min(Int((point.z - minZ) / cell), sz - 1)
      buckets[i + sx * (j + sy * k)].append(Int32(index))
    }
    self.buckets = buckets
  }

  /// The distance from (x, y, z) to the nearest point, or infinity when there are none; when
  /// it is more than `within`, `within` (the search stops there).
  func distance(x: Double, y: Double, z: Double, within: Double = .infinity) -> Double {
    guard !points.isEmpty else { return .infinity }
    let ci = Int(((x - origin.x) / cell).rounded(.down))
    let cj = Int(((y - origin.y) / cell).rounded(.down))
    let ck = Int(((z - origin.z) / cell).rounded(.down))
    var best = within
    var ring = 0
    let widest =
      Swift.max(size.x, size.y, size.z) + Swift.max(Swift.abs(ci), Swift.abs(cj), Swift.abs(ck)) + 1
    while ring <= widest {
      // Every point outside the rings searched so far is at least (ring − 1) cells away.
      if best.isFinite, Double(ring - 1) * cell > best { break }
      for k in (ck - ring)...(ck + ring) where k >= 0 && k < size.z {
        for j in (cj - ring)...(cj + ring) where j >= 0 && j < size.y {
          // Only the shell of the cube: its two faces along i, unless j or k is on the shell.
          let onShell = Swift.abs(j - cj) == ring || Swift.abs(k - ck) == ring
          let step = onShell || ring == 0 ? 1 : 2 * ring
          for i in stride(from: ci - ring, through: ci + ring, by: step) where i >= 0 && i < size.x {
            for index in buckets[i + size.x * (j + size.y * k)] {
              let point = points[Int(index)]
              let dx = point.x - x
              let dy = point.y - y
              let dz = point.z - z
              best = Swift.min(best, (dx * dx + dy * dy + dz * dz).squareRoot())
            }
          }
        }
      }
      ring += 1
    }
    return best
  }
}
