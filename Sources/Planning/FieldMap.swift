import Units

/// A field magnitude on the plan's grid (V/mm per node, the upper half z ≥ 0), with what is
/// needed to read it anywhere: trilinear interpolation, the mirror image below z = 0, slices.
public struct FieldMap: Sendable {
  let grid: PlanningGrid
  /// |E| in V/mm, one per node.
  let values: [Float]

  init(grid: PlanningGrid, values: [Float]) {
    self.grid = grid
    self.values = values
  }

  /// |E| at a point (mm), interpolated; points outside the grid read its edge.
  public func field(x: Millimetres, y: Millimetres, z: Millimetres) -> VoltsPerCentimetre {
    VoltsPerCentimetre(10 * value(x.value, y.value, z.value))
  }

  /// V/mm at a point in mm.
  func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
    let (i, fx) = grid.x.locate(x)
    let (j, fy) = grid.y.locate(y)
    let (k, fz) = grid.nz > 1 ? grid.z.locate(Swift.abs(z)) : (0, 0)
    let i1 = Swift.min(i + 1, grid.nx - 1)
    let j1 = Swift.min(j + 1, grid.ny - 1)
    let k1 = Swift.min(k + 1, grid.nz - 1)
    @inline(__always) func at(_ a: Int, _ b: Int, _ c: Int) -> Double { Double(values[grid.index(a, b, c)]) }
    let c00 = at(i, j, k) * (1 - fx) + at(i1, j, k) * fx
    let c10 = at(i, j1, k) * (1 - fx) + at(i1, j1, k) * fx
    let c01 = at(i, j, k1) * (1 - fx) + at(i1, j, k1) * fx
    let c11 = at(i, j1, k1) * (1 - fx) + at(i1, j1, k1) * fx
    let c0 = c00 * (1 - fy) + c10 * fy
    let c1 = c01 * (1 - fy) + c11 * fy
    return c0 * (1 - fz) + c1 * fz
  }

  /// The field in the plane z = 0 over the fine region: the probe plane seen from above.
  public func probePlane() -> FieldSlice {
    let columns = (0..<grid.nx).filter { grid.x.fine.contains(grid.x.nodes[$0]) }
    let rows = (0..<grid.ny).filter { grid.y.fine.contains(grid.y.nodes[$0]) }
    var values: [Float] = []
    values.reserveCapacity(columns.count * rows.count)
    for j in rows {
      for i in columns { values.append(10 * self.values[grid.index(i, j, 0)]) }
    }
    return FieldSlice(
      horizontal: columns.map { Millimetres(grid.x.nodes[$0]) },
      vertical: rows.map { Millimetres(grid.y.nodes[$0]) }, values: values)
  }

  /// The field in the plane y = `y` (the grid's nearest plane) over the fine region, both halves
  /// of z: a section along the needles.
  public func section(atY y: Millimetres) -> (slice: FieldSlice, y: Millimetres) {
    let j = grid.y.nearest(y.value)
    let columns = (0..<grid.nx).filter { grid.x.fine.contains(grid.x.nodes[$0]) }
    let layers = (0..<grid.nz).filter { grid.z.fine.contains(grid.z.nodes[$0]) }
    let zs = layers.reversed().map { -grid.z.nodes[$0] } + layers.dropFirst().map { grid.z.nodes[$0] }
    let order = Array(layers.reversed()) + Array(layers.dropFirst())
    var values: [Float] = []
    values.reserveCapacity(columns.count * order.count)
    for k in order {
      for i in columns { values.append(10 * self.values[grid.index(i, j, k)]) }
    }
    return (
      FieldSlice(
        horizontal: columns.map { Millimetres(grid.x.nodes[$0]) }, vertical: zs.map { Millimetres($0) },
        values: values),
      Millimetres(grid.y.nodes[j])
    )
  }
}

/// The field on a rectangle of grid nodes: `values[row * horizontal.count + column]` in V/cm.
public struct FieldSlice: Sendable, Equatable {
  public var horizontal: [Millimetres]
  public var vertical: [Millimetres]
  public var values: [Float]

  public func value(column: Int, row: Int) -> VoltsPerCentimetre {
    VoltsPerCentimetre(Double(values[row * horizontal.count + column]))
  }
}
