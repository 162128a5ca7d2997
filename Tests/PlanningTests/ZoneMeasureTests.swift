import Testing
import Units

@testable import Planning

/// How a zone is measured: volume and extents on a field whose zone is known exactly, and a
/// target's coverage and margin.
struct ZoneMeasureTests {
  /// A field falling off from a point: its zone at a threshold is a sphere of known radius.
  @Test func volumeAndExtentsOfASphere() throws {
    let layout = try PlanningFixtures.twoNeedles(exposure: 10)
    let grid = PlanningGrid(needles: layout.needles, options: PlanningFixtures.options(resolution: 0.5))
    var field = [Float](repeating: 0, count: grid.count)
    for k in 0..<grid.nz {
      for j in 0..<grid.ny {
        for i in 0..<grid.nx {
          let (x, y, z) = (grid.x.nodes[i] - 7.5, grid.y.nodes[j], grid.z.nodes[k])
          field[grid.index(i, j, k)] = Float(1000 / (x * x + y * y + z * z + 1))
        }
      }
    }
    // 1000 / (r² + 1) = 10 at r² = 99.
    let radius = 99.0.squareRoot()
    let surface = ZoneSurface(grid: grid, field: field, threshold: 10)
    #expect(Swift.abs(surface.extent(alongX: 1, y: 0) - 2 * radius) < 0.05)
    #expect(Swift.abs(surface.extent(alongX: 0, y: 1) - 2 * radius) < 0.05)
    #expect(Swift.abs(surface.height - 2 * radius) < 0.05)
    let map = FieldMap(grid: grid, values: field)
    #expect(Swift.abs(map.field(x: Millimetres(7.5 + radius), y: .zero, z: .zero).value - 100) < 1)
    // The volume counts each node's cell: within 2 % of the sphere's at this spacing.
    var volume = 0.0
    for k in 0..<grid.nz {
      for j in 0..<grid.ny {
        for i in 0..<grid.nx where field[grid.index(i, j, k)] >= 10 {
          volume += grid.x.dual[i] * grid.y.dual[j] * grid.z.dual[k]
        }
      }
    }
    let sphere = 4 / 3 * Double.pi * radius * radius * radius
    #expect(Swift.abs(2 * volume / sphere - 1) < 0.02)
  }

  /// Long needles make a zone that is the exact Cassini oval in the middle of the exposure. A
  /// small sphere at the midpoint is covered with a margin of the oval's half width there (its
  /// waist) less its radius; a large one sticks out by its radius less that half width.
  @Test func coverageAndMarginOfASphereBetweenLongNeedles() throws {
    let exact = TwoCylinderField(voltage: 2250, radius: 0.535, spacing: 15)
    let halfWidth = exact.waist(threshold: 60) / 2
    let centre = Ellipsoid.Point(x: Millimetres(7.5), y: .zero, z: .zero)
    func plan(radius: Double) throws -> TreatmentPlan {
      try TreatmentPlanner.plan(
        layout: PlanningFixtures.twoNeedles(exposure: 120), conductivity: .uniform(SiemensPerMetre(0.1)),
        threshold: VoltsPerCentimetre(600), target: .sphere(centre: centre, radius: Millimetres(radius)),
        options: PlanningFixtures.options(resolution: 0.5, far: 200))
    }
    let inside = try plan(radius: 3)
    let covered = try #require(inside.coverage)
    #expect(covered.fraction == 1)
    #expect(
      Swift.abs(covered.margin.value - (halfWidth - 3)) < 0.25, "\(covered.margin) against \(halfWidth - 3)")
    #expect(!inside.warnings.contains { if case .targetNotCovered = $0 { true } else { false } })
    let outside = try plan(radius: 8)
    let partly = try #require(outside.coverage)
    #expect(partly.fraction > 0.5 && partly.fraction < 1)
    #expect(
      Swift.abs(partly.margin.value - (halfWidth - 8)) < 0.25, "\(partly.margin) against \(halfWidth - 8)")
    #expect(outside.warnings.contains { if case .targetNotCovered = $0 { true } else { false } })
  }
}
