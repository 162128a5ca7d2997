import Testing
import Units

@testable import Planning

/// A plan with a pair's own conductivity (a zone as delivered, each pair with the ramp fitted to
/// its measured current): that pair is solved with its own, the others with the plan's.
struct PairConductivityTests {
  static let ramp = PairConductanceTests.ramp
  static let steeper = ramp.withHigh(SiemensPerMetre(0.6))

  static func layout() throws -> ProbeLayout {
    let three = try PairConductanceTests.layout()
    return try ProbeLayout(
      needles: three.needles,
      pairs: three.pairs + [NeedlePair(anode: 2, cathode: 3, voltage: Volts(2250))])
  }

  static func plan(_ conductivity: ConductivityModel, own: [ConductivityModel?] = []) throws -> TreatmentPlan
  {
    try TreatmentPlanner.plan(
      layout: try layout(), conductivity: conductivity, pairConductivity: own,
      threshold: VoltsPerCentimetre(500), options: PairConductanceTests.coarse)
  }

  @Test func aPairsOwnConductivityIsUsedForThatPairAlone() throws {
    let library = try Self.plan(.fieldDependent(Self.ramp))
    let steeper = try Self.plan(.fieldDependent(Self.steeper))
    let mixed = try Self.plan(.fieldDependent(Self.ramp), own: [.fieldDependent(Self.steeper), nil])
    #expect(mixed.pairs[0].current == steeper.pairs[0].current)
    #expect(mixed.pairs[1].current == library.pairs[1].current)
    // The steeper ramp draws more current: the pair's own model was not ignored.
    #expect(steeper.pairs[0].current.value > 1.2 * library.pairs[0].current.value)
  }

  @Test func moreConductivitiesThanPairsAreRefused() throws {
    #expect(throws: PlanningError.self) {
      _ = try Self.plan(.fieldDependent(Self.ramp), own: [nil, nil, nil])
    }
  }
}
