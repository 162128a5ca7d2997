import Units

/// A lesion measured in porcine liver in vivo (gross pathology 2–3 h after), against which the
/// planner is judged (PLANNING.md, "Published lesions"; docs/planning.md has the comparison).
///
/// Gross pathology includes a rim of haemorrhage and thermal effect around the needles, so a
/// field-only model is expected to fall short along the pair's axis and in height; the
/// across-axis depth is the measure of the field's reach.
public struct PublishedLesion: Sendable {
  public var source: String
  public var gauge: NeedleGauge
  public var spacing: Millimetres
  public var exposure: Millimetres
  public var voltage: Volts
  /// Mean and standard deviation of each dimension, where the paper gives one.
  public var along: Measured
  public var across: Measured
  public var height: Measured?

  public struct Measured: Sendable {
    public var mean: Double
    public var deviation: Double
  }

  /// The rows of PLANNING.md with dimensions (Appelbaum et al. give only the rim).
  public static let porcineLiver: [PublishedLesion] = [
    PublishedLesion(
      source: "Ben-David et al., AJR 2012", gauge: NeedleGauge.eighteen, spacing: Millimetres(15),
      exposure: Millimetres(20), voltage: Volts(2250), along: Measured(mean: 30, deviation: 4),
      across: Measured(mean: 17, deviation: 4), height: Measured(mean: 30, deviation: 6)),
    PublishedLesion(
      source: "Ben-David et al., AJR 2012", gauge: NeedleGauge.eighteen, spacing: Millimetres(15),
      exposure: Millimetres(20), voltage: Volts(3000), along: Measured(mean: 31, deviation: 4),
      across: Measured(mean: 20, deviation: 2), height: nil),
  ]

  /// The two needles of the experiment, on the x axis, driven 1 → 2.
  public func layout() throws(PlanningError) -> ProbeLayout {
    let needles = [0.0, spacing.value].enumerated().map { index, x in
      Needle(id: index + 1, x: Millimetres(x), y: .zero, exposure: exposure, radius: gauge.radius)
    }
    return try ProbeLayout(needles: needles, pairs: [NeedlePair(anode: 1, cathode: 2, voltage: voltage)])
  }
}
