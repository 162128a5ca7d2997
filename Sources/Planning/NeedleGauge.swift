import Units

/// A needle's gauge (Stubs/Birmingham wire gauge) and the outer radius it stands for.
///
/// The radii are half the nominal outer diameters of hypodermic tubing by Stubs gauge (the
/// figures ISO 9626 tabulates): 16 G 1.651 mm, 17 G 1.473 mm, 18 G 1.270 mm, 19 G 1.067 mm,
/// 20 G 0.902 mm. 18 G and 19 G are the IRE probes of PLANNING.md; for 19 G its 0.535 mm
/// (the probe maker's figure) is used. The planner needs the radius only through the logarithm
/// of spacing over radius: a tenth of a millimetre moves the field between the needles by
/// about 1 %.
public struct NeedleGauge: Sendable, Equatable, Hashable {
  public var gauge: Int

  /// The gauges the planner knows, thickest first, with their outer radius in mm.
  public static let radii: [(gauge: Int, radius: Double)] = [
    (16, 0.826), (17, 0.737), (18, 0.635), (19, 0.535), (20, 0.451),
  ]

  /// What a protocol means when it names no gauge: the common 19 G IRE probe.
  public static let standard = NeedleGauge(checked: 19)
  /// The 18 G probe of the published porcine-liver lesions.
  public static let eighteen = NeedleGauge(checked: 18)

  /// `nil` for a gauge the planner has no radius for.
  public init?(_ gauge: Int) {
    guard Self.radii.contains(where: { $0.gauge == gauge }) else { return nil }
    self.gauge = gauge
  }

  private init(checked gauge: Int) { self.gauge = gauge }

  public var radius: Millimetres {
    Millimetres(Self.radii.first { $0.gauge == gauge }?.radius ?? 0.535)
  }

  /// "16, 17, 18, 19, 20", for the `allowed:` part of an error.
  public static var allowedText: String { radii.map { String($0.gauge) }.joined(separator: ", ") }
}
