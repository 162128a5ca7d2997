import Planning
import Testing
import Units

/// What the planner warns about, and what it refuses.
struct PlanWarningTests {
  /// 19 G needles 25 mm apart at 1000 V: 236 V/cm at the midpoint (2-D), no confluent lesion.
  @Test func aWeakPairHasNoConfluentLesion() throws {
    let plan = try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(spacing: 25, exposure: 20, voltage: 1000),
      conductivity: .fieldDependent(PlanningFixtures.liverRamp), threshold: VoltsPerCentimetre(500),
      options: PlanningFixtures.options(resolution: 1))
    let pair = plan.pairs[0]
    #expect(pair.weakestFieldBetween.value < 500)
    #expect(
      plan.warnings.contains(
        .noConfluentLesion(pair: "1–2", weakest: pair.weakestFieldBetween, threshold: VoltsPerCentimetre(500))
      ))
    let text = plan.warnings.map(\.description).joined()
    #expect(text.contains("pair 1–2: the field between the needles falls to"))
    // The same needles at 3000 V: confluent, no warning.
    let strong = try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(spacing: 25, exposure: 20, voltage: 3000),
      conductivity: .fieldDependent(PlanningFixtures.liverRamp), threshold: VoltsPerCentimetre(500),
      options: PlanningFixtures.options(resolution: 1))
    #expect(strong.warnings.isEmpty, "\(strong.warnings)")
  }

  @Test func aZoneCutOffByTheGridIsSaid() throws {
    var options = PlanningFixtures.options(resolution: 1)
    options.lateralMargin = Millimetres(2)
    options.axialMargin = Millimetres(2)
    options.farDistance = .zero
    let plan = try TreatmentPlanner.plan(
      layout: PlanningFixtures.twoNeedles(exposure: 20), conductivity: .uniform(SiemensPerMetre(0.1)),
      threshold: VoltsPerCentimetre(500), options: options)
    #expect(plan.zone.reachesGridBoundary)
    #expect(plan.warnings.contains(.zoneReachesGridBoundary))
  }

  @Test func invalidLayoutsAndOptionsAreRefused() throws {
    func needle(_ id: Int, _ x: Double, _ y: Double, _ exposure: Double, _ radius: Double) -> Needle {
      PlanningFixtures.needle(id, x, y, exposure: exposure, radius: radius)
    }
    #expect(throws: PlanningError.invalidLayout("needle 1 given twice")) {
      try ProbeLayout(needles: [needle(1, 0, 0, 15, 0.535), needle(1, 10, 0, 15, 0.535)], pairs: [])
    }
    #expect(throws: PlanningError.invalidLayout("needles 1 and 2 touch")) {
      try ProbeLayout(needles: [needle(1, 0, 0, 15, 0.535), needle(2, 1, 0, 15, 0.535)], pairs: [])
    }
    #expect(throws: PlanningError.invalidLayout("pair 1–3 does not name two different needles of the layout"))
    {
      try ProbeLayout(
        needles: [needle(1, 0, 0, 15, 0.535), needle(2, 10, 0, 15, 0.535)],
        pairs: [NeedlePair(anode: 1, cathode: 3, voltage: Volts(1000))])
    }
    var options = PlanningOptions()
    options.resolution = Millimetres(3)
    #expect(throws: PlanningError.self) {
      try TreatmentPlanner.plan(
        layout: PlanningFixtures.twoNeedles(exposure: 20), conductivity: .uniform(SiemensPerMetre(0.1)),
        threshold: VoltsPerCentimetre(500), options: options)
    }
  }
}
