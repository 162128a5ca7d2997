import Units

/// The σ(E) ramp's high-field conductivity that makes a pair's predicted rise of the current
/// (settled over unporated, `PairConductance.rise`) equal to the one measured.
public struct RampFit: Sendable, Equatable {
  public var pair: NeedlePair
  /// The ramp the fit started from (its low end and fields are kept).
  public var ramp: ConductivityRamp
  /// The measured rise: the current per volt of the last therapy pulse over that of the first test
  /// pulse.
  public var measuredRise: Double
  /// The fitted high-field conductivity, and the rise it predicts.
  public var high: SiemensPerMetre
  public var predictedRise: Double
  /// False when no high conductivity in the allowed range (the ramp's low end up to ten times its
  /// high end) gives the measured rise: the fit stopped at the bound.
  public var withinRange: Bool

  /// Whether the predicted rise met the measured one (within 0.5 %, the fit's own tolerance).
  public var converged: Bool { Swift.abs(predictedRise - measuredRise) <= 0.005 * measuredRise }

  /// The allowed range's upper end, as a multiple of the library's high-field conductivity.
  public static let upperBound = 10.0
}

extension TreatmentPlanner {
  /// Fits the high-field conductivity of `ramp` per pair to `rises` (one per pair of `layout`, in
  /// its order; `nil` leaves the pair out): each pair at its voltage in `layout` (the one
  /// measured), solved again with the ramp's high end moved until the predicted rise is within
  /// 0.5 % of the measured one (secant steps, at most 12 solves per pair).
  public static func fitHighConductivity(
    layout: ProbeLayout, ramp: ConductivityRamp, rises: [Double?],
    options: PlanningOptions = PlanningOptions()
  ) throws(PlanningError) -> [RampFit?] {
    guard rises.count == layout.pairs.count else {
      throw .invalidOption("\(rises.count) measured rises for \(layout.pairs.count) pairs")
    }
    let options = try options.validated()
    let context = PlanningContext(layout: layout, options: options)
    return forEachPair(context) { solver, pair, index -> RampFit? in
      guard let measured = rises[index], measured.isFinite, measured > 0 else { return nil }
      return fit(pair, measured: measured, ramp: ramp, solver: solver, context: context)
    }
  }

  private static func fit(
    _ pair: NeedlePair, measured: Double, ramp: ConductivityRamp, solver: PairSolver, context: PlanningContext
  ) -> RampFit {
    let unporated = context.solve(pair, with: solver, conductivity: .uniform(ramp.low))
    let base = unporated.current.value
    var start = unporated
    func rise(_ high: Double) -> Double {
      let solution = context.solve(
        pair, with: solver, conductivity: .fieldDependent(ramp.withHigh(SiemensPerMetre(high))), start: start)
      start = solution
      return base > 0 ? solution.current.value / base : 1
    }
    let lowest = ramp.low.value
    let highest = Swift.max(ramp.high.value, lowest) * RampFit.upperBound
    // A flat ramp rises by nothing: a rise at or below 1 is fitted by the ramp's low end.
    guard measured > 1 else {
      return RampFit(
        pair: pair, ramp: ramp, measuredRise: measured, high: ramp.low, predictedRise: 1,
        withinRange: measured == 1)
    }
    var (h0, r0) = (lowest, 1.0)
    var h1 = Swift.max(ramp.high.value, lowest * 1.01)
    var r1 = rise(h1)
    for _ in 0..<10 {
      if Swift.abs(r1 - measured) <= 0.005 * measured { break }
      let slope = (r1 - r0) / (h1 - h0)
      guard slope > 0, slope.isFinite else { break }
      let next = Swift.min(Swift.max(h1 + (measured - r1) / slope, lowest), highest)
      if next == h1 { break }
      (h0, r0) = (h1, r1)
      h1 = next
      r1 = rise(h1)
    }
    let withinRange = Swift.abs(r1 - measured) <= 0.005 * measured || h1 < highest
    return RampFit(
      pair: pair, ramp: ramp, measuredRise: measured, high: SiemensPerMetre(h1), predictedRise: r1,
      withinRange: withinRange)
  }
}
