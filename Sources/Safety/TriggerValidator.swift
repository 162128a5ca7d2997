import Units

/// Judges each R-wave trigger edge before a pulse may be scheduled on it (SAFETY.md, "pulse
/// in the vulnerable period"): a trigger too soon after the last (T-wave, double trigger), one
/// that implies a heart rate outside the allowed range, or one whose RR interval is off the
/// median of the recent ones (an ectopic beat, or the compensatory pause after it) is skipped.
/// The first few triggers only teach the rhythm: none is used until three intervals are known.
///
/// Pure and allocation-free: the recent intervals live in a fixed inline buffer.
public struct TriggerValidator: Sendable {
  public struct Settings: Sendable, Equatable {
    public var minRR: Nanoseconds
    /// Beats per minute.
    public var heartRate: ClosedRange<Double>
    public var ectopicFraction: Double
    public init(minRR: Nanoseconds, heartRate: ClosedRange<Double>, ectopicFraction: Double) {
      self.minRR = minRR
      self.heartRate = heartRate
      self.ectopicFraction = ectopicFraction
    }
  }

  public enum Verdict: Equatable, Sendable {
    case valid
    case skip(SkipReason)
  }

  /// Intervals needed before the ectopic check applies.
  static let minimumHistory = 3
  public let settings: Settings
  /// The last trigger taken as a beat (double triggers are not).
  public private(set) var last: Instant?
  /// The last edge of any kind: a trigger soon after *any* edge is a double trigger, so that a
  /// rhythm faster than min RR cannot pass by having every other edge judged against an
  /// older one.
  private var lastEdge: Instant?
  /// After a premature beat, the next interval is the compensatory pause: that beat is not
  /// a normal one either, whatever its interval looks like against the median.
  private var afterPremature = false
  private var recent = InlineArray<8, Int64>(repeating: 0)
  private var recentCount = 0
  private var recentNext = 0

  public init(settings: Settings) { self.settings = settings }

  public mutating func judge(_ edge: Instant) -> Verdict {
    defer { lastEdge = edge }
    if let before = lastEdge, (edge - before).value < settings.minRR.value { return .skip(.doubleTrigger) }
    guard let previous = last else {
      last = edge
      return .skip(.noReference)
    }
    let rr = (edge - previous).value
    last = edge
    let rate = 60e9 / Double(rr)
    if !settings.heartRate.contains(rate) { return .skip(.heartRate) }
    guard recentCount >= TriggerValidator.minimumHistory else {
      // Until a few intervals are known there is no rhythm to tell an ectopic beat by: learn,
      // but do not deliver.
      remember(rr)
      return .skip(.noReference)
    }
    // Every interval joins the history, ectopic or not: the median shrugs off the odd
    // ectopic beat, and follows a rhythm that really changed within a few beats instead of
    // calling every beat of the new rhythm ectopic.
    let median = Double(medianRR())
    remember(rr)
    let deviates = abs(Double(rr) - median) > settings.ectopicFraction * median
    let followsPremature = afterPremature
    afterPremature = deviates && Double(rr) < median
    return deviates || followsPremature ? .skip(.ectopic) : .valid
  }

  private mutating func remember(_ rr: Int64) {
    recent[recentNext] = rr
    recentNext = (recentNext + 1) % recent.count
    recentCount = min(recentCount + 1, recent.count)
  }

  /// No trigger came within max RR: the rhythm's reference is lost, the next trigger starts anew.
  public mutating func missedBeat() {
    last = nil
    afterPremature = false
  }

  /// The median of the recent intervals (the lower middle for an even count).
  func medianRR() -> Int64 {
    var sorted = InlineArray<8, Int64>(repeating: Int64.max)
    for index in 0..<recentCount {
      var position = index
      let value = recent[index]
      while position > 0 && sorted[position - 1] > value {
        sorted[position] = sorted[position - 1]
        position -= 1
      }
      sorted[position] = value
    }
    return sorted[(recentCount - 1) / 2]
  }
}
