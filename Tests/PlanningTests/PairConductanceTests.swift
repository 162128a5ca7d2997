import Testing
import Units

@testable import Planning

/// A pair's conductances (what the simulated tissue draws its currents from) are the plan's own
/// currents over the voltage.
struct PairConductanceTests {
  static let ramp = ConductivityRamp(
    low: SiemensPerMetre(0.08), high: SiemensPerMetre(0.32), fieldLow: VoltsPerCentimetre(350),
    fieldHigh: VoltsPerCentimetre(700))

  static func layout(voltage: Double = 2250) throws -> ProbeLayout {
    try ProbeLayout(
      needles: [
        Needle(
          id: 1, x: Millimetres(0), y: Millimetres(0), exposure: Millimetres(15), radius: Millimetres(0.535)),
        Needle(
          id: 2, x: Millimetres(15), y: Millimetres(0), exposure: Millimetres(15), radius: Millimetres(0.535)),
        Needle(
          id: 3, x: Millimetres(7.5), y: Millimetres(12), exposure: Millimetres(15),
          radius: Millimetres(0.535)),
      ], pairs: [NeedlePair(anode: 1, cathode: 2, voltage: Volts(voltage))])
  }

  static var coarse: PlanningOptions {
    var options = PlanningOptions()
    options.resolution = Millimetres(2)
    return options
  }

  @Test func theConductancesAreThePlansCurrentsOverTheVoltage() throws {
    let layout = try Self.layout()
    let conductance = try #require(
      try TreatmentPlanner.conductances(layout: layout, ramp: Self.ramp, options: Self.coarse).first)
    let uniform = try TreatmentPlanner.plan(
      layout: layout, conductivity: .uniform(Self.ramp.low), threshold: VoltsPerCentimetre(500),
      options: Self.coarse)
    let dynamic = try TreatmentPlanner.plan(
      layout: layout, conductivity: .fieldDependent(Self.ramp), threshold: VoltsPerCentimetre(500),
      options: Self.coarse)
    let volts = 2250.0
    let unporated = try #require(uniform.pairs.first).current.value / volts
    let settled = try #require(dynamic.pairs.first).current.value / volts
    #expect(abs(conductance.unporated / unporated - 1) < 1e-3)
    #expect(abs(conductance.settled / settled - 1) < 1e-2)
    #expect(conductance.rise > 2 && conductance.rise < 5, "\(conductance.rise)")
  }

  @Test func theSettledConductanceAtAnotherVoltageIsCloseToASolveThere() throws {
    let conductance = try #require(
      try TreatmentPlanner.conductances(layout: try Self.layout(), ramp: Self.ramp, options: Self.coarse)
        .first)
    for voltage in [2000.0, 2450.0] {
      let solved = try #require(
        try TreatmentPlanner.conductances(
          layout: try Self.layout(voltage: voltage), ramp: Self.ramp, options: Self.coarse
        ).first)
      let estimated = conductance.settled(at: Volts(voltage))
      #expect(abs(estimated / solved.settled - 1) < 0.03, "\(voltage) V: \(estimated) vs \(solved.settled)")
    }
    #expect(conductance.settled(at: Volts(0)) < conductance.settled)
    #expect(conductance.settled(at: Volts(9000)) >= conductance.settled)
  }

  @Test func theFitFindsTheHighConductivityOfTheRiseItIsGiven() throws {
    let layout = try Self.layout()
    let tissue = Self.ramp.withHigh(SiemensPerMetre(0.5))
    let conductance = try #require(
      try TreatmentPlanner.conductances(layout: layout, ramp: tissue, options: Self.coarse).first)
    let fits = try TreatmentPlanner.fitHighConductivity(
      layout: layout, ramp: Self.ramp, rises: [conductance.rise], options: Self.coarse)
    let fit = try #require(fits.first ?? nil)
    #expect(fit.withinRange)
    #expect(abs(fit.high.value / 0.5 - 1) < 0.03, "\(fit.high)")
    #expect(abs(fit.predictedRise / conductance.rise - 1) < 0.01)
    // No rise: a flat ramp; a pair left out: no fit.
    let flat = try TreatmentPlanner.fitHighConductivity(
      layout: layout, ramp: Self.ramp, rises: [1], options: Self.coarse)
    #expect(flat.first??.high == Self.ramp.low)
    let none = try TreatmentPlanner.fitHighConductivity(
      layout: layout, ramp: Self.ramp, rises: [nil], options: Self.coarse)
    #expect(none.count == 1 && none.first! == nil)
  }
}
