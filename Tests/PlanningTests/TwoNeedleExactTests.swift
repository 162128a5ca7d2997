import Planning
import Testing
import Units

/// The 3-D solver against the exact 2-D solution of PLANNING.md: two 19 G needles 15 mm apart at
/// 2250 V, exposed over 240 mm (16 spacings: the field in the plane z = 0 is that of infinite
/// needles to within about 0.1 %), uniform conductivity.
struct TwoNeedleExactTests {
  let exact = TwoCylinderField(voltage: 2250, radius: 0.535, spacing: 15)

  func plan(resolution: Double, exposure: Double = 240) throws -> TreatmentPlan {
    try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(exposure: exposure),
      conductivity: .uniform(SiemensPerMetre(0.1)), threshold: VoltsPerCentimetre(600),
      options: PlanningFixtures.options(resolution: resolution, far: 300))
  }

  @Test func midpointFieldWithinOnePercentAndContourWithinTwoTenthsOfAMillimetre() throws {
    let result = try plan(resolution: 0.5)
    let pair = try #require(result.pairs.first)
    let midpoint = pair.midpointField.value / 10
    #expect(
      Swift.abs(midpoint / exact.midpointField - 1) < 0.01,
      "\(midpoint * 10) V/cm against \(exact.midpointField * 10)")
    // The 600 V/cm contour: its widest extent across the pair (this oval is waisted: 600 V/cm is
    // below the field between the needles but c² < 2b²), its extent along the pair beyond the
    // needles, and its waist at the midpoint.
    #expect(
      Swift.abs(pair.zone.across.value - exact.across(threshold: 60)) < 0.2, "across \(pair.zone.across)")
    #expect(Swift.abs(pair.zone.along.value - exact.along(threshold: 60)) < 0.2, "along \(pair.zone.along)")
    var (inner, outer) = (0.0, 10.0)
    for _ in 0..<40 {
      let y = (inner + outer) / 2
      if result.field.field(x: Millimetres(7.5), y: Millimetres(y), z: .zero).value >= 600 {
        inner = y
      } else {
        outer = y
      }
    }
    #expect(Swift.abs(2 * inner - exact.waist(threshold: 60)) < 0.2, "waist \(2 * inner)")
    // Between the needles the field is weakest at the midpoint.
    #expect(
      Swift.abs(pair.weakestFieldBetween.value - pair.midpointField.value) < 0.005 * pair.midpointField.value)
  }

  /// The current per length, from two exposures (their ends contribute the same and cancel).
  @Test func currentPerLengthMatchesTheExactOne() throws {
    let long = try #require(try plan(resolution: 0.5).pairs.first)
    let short = try #require(try plan(resolution: 0.5, exposure: 120).pairs.first)
    let perLength = (long.current.value - short.current.value) / 120
    #expect(Swift.abs(perLength / exact.currentPerLength(sigma: 0.1) - 1) < 0.01, "\(perLength) A/mm")
    // Current is conserved: what enters the anode leaves the cathode.
    #expect(Swift.abs(long.solution.cathodeCurrent.value / long.current.value - 1) < 1e-4)
  }

  /// The midpoint field's error falls as the grid is refined (docs/planning.md has the table).
  @Test func errorShrinksUnderRefinement() throws {
    let errors = try [1.0, 0.7, 0.5].map { resolution in
      let midpoint = try #require(try plan(resolution: resolution).pairs.first).midpointField.value / 10
      return Swift.abs(midpoint / exact.midpointField - 1)
    }
    #expect(errors[0] > errors[1] && errors[1] > errors[2], "\(errors)")
    #expect(errors[0] < 0.04)
  }
}
