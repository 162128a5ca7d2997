import Units

/// How long before a pulse's instant its last look at the interlock lines begins: what the look
/// costs on this board, measured before the first pulse and tracked on every pulse since.
///
/// The spin ends this lead before the instant, the look reads the five lines, and the edge
/// leaves once the clock reaches the instant: a look that came back early waits on the clock
/// (never firing early), one that took longer than the lead makes the pulse late by the
/// difference. The lead is the look's mean cost plus four of its mean deviations, so that
/// nearly every look comes back early and the look stays microseconds old at the edge; it is
/// capped, so that a look slowed once by a stall never makes every later look stale.
public struct LookLead: Sendable, Equatable {
  /// The longest lead: a look older than this at the edge is not a last look.
  public static let ceiling = Nanoseconds.microseconds(50)
  /// Weight of each new cost in the running mean and deviation.
  static let weight = 1.0 / 16

  private var mean: Double
  private var deviation: Double
  private var observed = 0

  /// No cost known yet: a lead of zero (the first look makes its pulse late by its cost, never
  /// early).
  public init() {
    mean = 0
    deviation = 0
  }

  /// The lead to spin to before the next pulse's instant.
  public var lead: Nanoseconds {
    let nanoseconds = min(max(0, mean + 4 * deviation), Double(Self.ceiling.value))
    return Nanoseconds(Int64(nanoseconds.rounded(.up)))
  }

  /// One look's cost, from the end of the spin to the clock read after the look. The first
  /// costs seed the mean directly (a calibration); later ones move it by `weight`.
  public mutating func observe(_ cost: Nanoseconds) {
    let sample = Double(max(cost, .zero).value)
    observed += 1
    guard observed > 1 else {
      mean = sample
      return
    }
    let weight = observed <= 4 ? 1 / Double(observed) : Self.weight
    let difference = sample - mean
    mean += weight * difference
    deviation += weight * (abs(difference) - deviation)
  }
}
