/// The nodes of the grid along one axis (mm): at most `spacing` apart in the fine region, with a
/// node on every feature (a needle's axis, the end of an exposure), then spacings growing
/// geometrically out to the far boundary.
///
/// Putting a node on each needle's axis makes every needle's footprint on the grid symmetric,
/// which keeps the needle's effective radius right at a spacing close to the radius itself
/// (docs/planning.md, "Discretisation").
struct GridAxis: Sendable, Equatable {
  let nodes: [Double]
  /// `nodes[i + 1] - nodes[i]`.
  let gaps: [Double]
  /// The width of each node's dual cell: half the gaps on either side (one half at the ends).
  let dual: [Double]
  /// The range kept at the fine spacing.
  let fine: ClosedRange<Double>

  init(nodes: [Double], fine: ClosedRange<Double>) {
    self.nodes = nodes
    self.fine = fine
    gaps = zip(nodes.dropFirst(), nodes).map { $0 - $1 }
    var dual = [Double](repeating: 0, count: nodes.count)
    for (index, gap) in gaps.enumerated() {
      dual[index] += gap / 2
      dual[index + 1] += gap / 2
    }
    self.dual = dual
  }

  var count: Int { nodes.count }

  /// An axis whose fine region is `fine`, with nodes on `features` inside it. Below the fine
  /// region it grows out to `fine.lowerBound - far` unless `symmetricAtLowerBound` (the plane
  /// z = 0: nothing is solved below it); above it to `fine.upperBound + far`.
  ///
  /// With `symmetricAtLowerBound`, the first interval (from the plane of symmetry to the first
  /// feature, the end of the shortest exposure) is graded: its spacing grows from `spacing` at
  /// the feature by `stretch` towards the plane, up to four times `spacing`. Between the needles,
  /// away from the ends of the exposure, the field hardly changes along the needles.
  static func build(
    features: [Double], fine: ClosedRange<Double>, spacing: Double, stretch: Double, far: Double,
    symmetricAtLowerBound: Bool = false
  ) -> GridAxis {
    var breaks = [fine.lowerBound, fine.upperBound]
    for feature in features where feature > fine.lowerBound && feature < fine.upperBound {
      breaks.append(feature)
    }
    breaks.sort()
    var nodes: [Double] = []
    if symmetricAtLowerBound, breaks.count > 2 {
      nodes = graded(from: breaks[0], to: breaks[1], spacing: spacing, stretch: stretch)
      breaks.removeFirst()
    }
    for (start, end) in zip(breaks, breaks.dropFirst()) where end - start > 1e-9 {
      let intervals = Swift.max(1, Int(((end - start) / spacing - 1e-9).rounded(.up)))
      for step in 0..<intervals { nodes.append(start + (end - start) * Double(step) / Double(intervals)) }
    }
    nodes.append(fine.upperBound)
    var above: [Double] = []
    var gap = spacing
    var position = fine.upperBound
    while position < fine.upperBound + far {
      gap *= stretch
      position += gap
      above.append(position)
    }
    var below: [Double] = []
    if !symmetricAtLowerBound {
      gap = spacing
      position = fine.lowerBound
      while position > fine.lowerBound - far {
        gap *= stretch
        position -= gap
        below.append(position)
      }
    }
    return GridAxis(nodes: below.reversed() + nodes + above, fine: fine)
  }

  /// Nodes from `start` up to (not including) `end`, the spacing `spacing` next to `end` and
  /// growing by `stretch` towards `start` up to four times `spacing`, all scaled to fit exactly.
  private static func graded(from start: Double, to end: Double, spacing: Double, stretch: Double) -> [Double]
  {
    guard end - start > 1e-9 else { return [start] }
    var gaps: [Double] = []
    var total = 0.0
    var gap = spacing
    while total < end - start - 1e-9 {
      gaps.append(gap)
      total += gap
      gap = Swift.min(gap * stretch, 4 * spacing)
    }
    // The last (widest) gap absorbs the overshoot when that keeps it at least half a spacing.
    let overshoot = total - (end - start)
    if let last = gaps.last, last - overshoot >= spacing / 2 {
      gaps[gaps.count - 1] = last - overshoot
    } else {
      let scale = (end - start) / total
      gaps = gaps.map { $0 * scale }
    }
    var nodes: [Double] = []
    var position = end
    for gap in gaps {
      position -= gap
      nodes.append(position)
    }
    nodes[nodes.count - 1] = start
    return nodes.reversed()
  }

  /// The interval `[i, i + 1]` that holds `position`, and where in it (0...1); positions outside
  /// the axis are clamped to its ends.
  func locate(_ position: Double) -> (index: Int, fraction: Double) {
    guard count > 1 else { return (0, 0) }
    if position <= nodes[0] { return (0, 0) }
    if position >= nodes[count - 1] { return (count - 2, 1) }
    var low = 0
    var high = count - 1
    while high - low > 1 {
      let middle = (low + high) / 2
      if nodes[middle] <= position { low = middle } else { high = middle }
    }
    return (low, (position - nodes[low]) / gaps[low])
  }

  /// The node nearest to `position`.
  func nearest(_ position: Double) -> Int {
    let (index, fraction) = locate(position)
    return fraction < 0.5 ? index : Swift.min(index + 1, count - 1)
  }
}
