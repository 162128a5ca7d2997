import Units

/// Where a precise sleep's time went (`MonotonicClock.sleepPrecisely`): when the sleep before
/// the spin returned, and the spin's last clock read. The timing benchmark splits each pulse's
/// way to its edge with these; the fire path reads nothing else to know them.
public struct PreciseWake: Sendable, Equatable {
  /// When the sleep before the spin returned: the operating system's wake-up.
  public var woke: Instant
  /// The spin's last clock read: at or after the deadline, or before it when the spin was told
  /// to stop.
  public var spinEnded: Instant

  public init(woke: Instant, spinEnded: Instant) {
    self.woke = woke
    self.spinEnded = spinEnded
  }

  /// A sleep that took no time to spin: a virtual clock's, or a deadline already past.
  public init(at instant: Instant) {
    self.init(woke: instant, spinEnded: instant)
  }
}
