import Units

/// How long before a pulse's instant its last look at the interlock lines begins: what the look
/// costs on this board, measured before the first pulse and tracked on every pulse since.
///
/// The spin ends this lead before the instant, the look reads the five lines, and the edge
/// leaves once the clock reaches the instant: a look that came back early waits on the clock
/// (never firing early), one that took longer than the lead makes the pulse late by the
/// difference. So the lead follows the look's recent peak, not its mean: a peak detector that
/// jumps to any longer look and decays towards the looks since by 1/64 of the gap per pulse.
/// It is capped, so that a look slowed once by a stall never makes the look at the edge more
/// than `ceiling` old.
public struct LookLead: Sendable, Equatable {
  /// The longest lead: a look older than this at the edge is not a last look.
  public static let ceiling = Nanoseconds.microseconds(50)
  /// How fast the lead comes down from a peak: this share of the gap per pulse.
  static let decay = 1.0 / 64

  private var peak: Double

  /// No cost known yet: a lead of zero (the first look makes its pulse late by its cost, never
  /// early).
  public init() {
    peak = 0
  }

  /// The lead to spin to before the next pulse's instant.
  public var lead: Nanoseconds {
    Nanoseconds(Int64(min(peak, Double(Self.ceiling.value)).rounded(.up)))
  }

  /// One look's cost, from the end of the spin to the clock read after the look.
  public mutating func observe(_ cost: Nanoseconds) {
    let sample = min(Double(max(cost, .zero).value), Double(Self.ceiling.value))
    peak = max(sample, peak - (peak - sample) * Self.decay)
  }
}
