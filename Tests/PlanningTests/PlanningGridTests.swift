import Testing
import Units

@testable import Planning

/// The grid: nodes where the geometry needs them, and needles cut where they are.
struct PlanningGridTests {
  @Test func axesHaveANodeOnEveryFeatureAndTheFineSpacingBetween() throws {
    let layout = try ProbeLayout(
      needles: [
        PlanningFixtures.needle(1, 0, 0, exposure: 20), PlanningFixtures.needle(2, 4.3, 9.1, exposure: 15),
      ],
      pairs: [NeedlePair(anode: 1, cathode: 2, voltage: Volts(1000))])
    let options = PlanningFixtures.options(resolution: 0.5)
    let grid = PlanningGrid(needles: layout.needles, options: options)
    for (axis, features) in [(grid.x, [0, 4.3]), (grid.y, [0, 9.1]), (grid.z, [0, 7.5, 10])] {
      for feature in features {
        #expect(axis.nodes.contains { Swift.abs($0 - feature) < 1e-9 }, "\(feature)")
      }
      #expect(zip(axis.nodes.dropFirst(), axis.nodes).allSatisfy { $0 > $1 })
    }
    // Fine spacing over the needles and the margins (z: from the shorter exposure's end up).
    for axis in [grid.x, grid.y] {
      for (index, gap) in axis.gaps.enumerated()
      where axis.fine.contains(axis.nodes[index]) && axis.fine.contains(axis.nodes[index + 1]) {
        #expect(gap <= 0.5 + 1e-9)
      }
      #expect(axis.nodes[0] <= axis.fine.lowerBound - options.farDistance.value)
    }
    for (index, gap) in grid.z.gaps.enumerated()
    where grid.z.nodes[index] >= 7.5 && grid.z.nodes[index + 1] <= 20 {
      #expect(gap <= 0.5 + 1e-9)
    }
    // Below the shorter exposure's end, the spacing grows towards z = 0, at most four-fold.
    #expect(grid.z.nodes[0] == 0)
    let inner = grid.z.gaps.indices.filter { grid.z.nodes[$0 + 1] <= 7.5 + 1e-9 }.map { grid.z.gaps[$0] }
    #expect(inner.max() ?? 0 <= 2 + 1e-9)
    #expect((grid.z.gaps.first ?? 0) > 0.5)
  }

  /// Every cut edge ends on the needle's surface: on the cylinder at its radius, or on the end
  /// of its exposure.
  @Test func cutEdgesEndOnTheNeedlesSurface() throws {
    let needle = PlanningFixtures.needle(1, 3.2, -1.7, exposure: 12, radius: 0.635)
    let other = PlanningFixtures.needle(2, 13, 4, exposure: 12)
    let grid = PlanningGrid(needles: [needle, other], options: PlanningFixtures.options(resolution: 0.35))
    let footprint = NeedleFootprint(needle: needle, grid: grid)
    #expect(!footprint.inside.isEmpty)
    var checked = 0
    let inside = Set(footprint.inside)
    let (ci, cj) = (grid.x.nearest(3.2), grid.y.nearest(-1.7))
    for k in 0..<grid.nz {
      for j in (cj - 4)...(cj + 4) {
        for i in (ci - 4)...(ci + 4) {
          let p = grid.index(i, j, k)
          guard !inside.contains(p) else { continue }
          for (q, axis, sign) in [
            (p + 1, NeedleFootprint.Axis.x, 1), (p - 1, .x, -1), (p + grid.nx, .y, 1), (p - grid.nx, .y, -1),
          ]
          where inside.contains(q) {
            let length = NeedleFootprint.cutLength(
              needle: needle, grid: grid, i: i, j: j, k: k, axis: axis, sign: sign)
            let x = grid.x.nodes[i] + (axis == .x ? Double(sign) * length : 0)
            let y = grid.y.nodes[j] + (axis == .y ? Double(sign) * length : 0)
            let r = ((x - 3.2) * (x - 3.2) + (y + 1.7) * (y + 1.7)).squareRoot()
            // On the surface, unless moved out to the shortest cut kept.
            let gap = axis == .x ? grid.x.gaps[sign > 0 ? i : i - 1] : grid.y.gaps[sign > 0 ? j : j - 1]
            #expect(
              Swift.abs(r - 0.635) < 1e-9 || Swift.abs(length - NeedleFootprint.shortestCut * gap) < 1e-12)
            checked += 1
          }
        }
      }
    }
    #expect(checked > 20)
    let top = try #require(grid.z.nodes.firstIndex { $0 > 6 + 1e-9 })
    let (i, j) = (grid.x.nearest(3.2), grid.y.nearest(-1.7))
    #expect(
      NeedleFootprint.cutLength(needle: needle, grid: grid, i: i, j: j, k: top, axis: .z, sign: -1) == grid.z
        .nodes[top] - 6)
  }
}
