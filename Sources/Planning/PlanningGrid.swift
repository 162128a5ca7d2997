/// The tensor-product grid a plan is solved on: nodes at every (x, y, z) of three axes, the
/// upper half (z ≥ 0) only, since z = 0 is a plane of symmetry.
///
/// Node `(i, j, k)` is stored at `i + nx·(j + ny·k)`.
struct PlanningGrid: Sendable, Equatable {
  let x: GridAxis
  let y: GridAxis
  let z: GridAxis

  var nx: Int { x.count }
  var ny: Int { y.count }
  var nz: Int { z.count }
  var count: Int { nx * ny * nz }
  /// Storage distance between neighbours along y and along z.
  var strideY: Int { nx }
  var strideZ: Int { nx * ny }

  @inline(__always)
  func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + nx * (j + ny * k) }

  /// The grid for `needles`: fine over the needles plus the margins, every needle's axis and
  /// every exposure's end on a node.
  init(needles: [Needle], options: PlanningOptions) {
    let h = options.resolution.value
    let margin = options.lateralMargin.value
    let xs = needles.map(\.x.value)
    let ys = needles.map(\.y.value)
    let ends = needles.map { $0.exposure.value / 2 }
    let far = options.farDistance.value
    x = GridAxis.build(
      features: xs, fine: (xs.min() ?? 0) - margin...(xs.max() ?? 0) + margin, spacing: h,
      stretch: options.stretch, far: far)
    y = GridAxis.build(
      features: ys, fine: (ys.min() ?? 0) - margin...(ys.max() ?? 0) + margin, spacing: h,
      stretch: options.stretch, far: far)
    z = GridAxis.build(
      features: ends, fine: 0...(ends.max() ?? 0) + options.axialMargin.value, spacing: h,
      stretch: options.stretch, far: far, symmetricAtLowerBound: true)
  }
}
