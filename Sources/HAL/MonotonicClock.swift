import Units

/// The clock every timed decision uses: CLOCK_MONOTONIC on hardware, a virtual clock in the
/// simulator (advanced as fast as the CPU allows, or running on real time).
public protocol MonotonicClock: AnyObject {
  var now: Instant { get }
  /// Returns at `deadline` or, on a real clock, shortly after it (the operating system's
  /// wake-up latency). Returns at once if it passed.
  func sleep(until deadline: Instant)
  /// Returns as close to `deadline` as the clock can: on a real clock, sleeps to a margin
  /// before it and spins the rest. Used for the fire edge only: spinning costs CPU. The spin
  /// asks `stop` on every turn and returns early, before `deadline`, once it says yes: a stop
  /// command that arrives during the spin is seen before the edge, not after it. Returns when
  /// the sleep returned and when the spin ended.
  @discardableResult
  func sleepPrecisely(until deadline: Instant, unless stop: () -> Bool) -> PreciseWake
  /// Spins on the clock to `deadline`, a few microseconds away, without sleeping: returns the
  /// last reading, at or after `deadline`, or before it once `stop` says yes.
  func spin(until deadline: Instant, unless stop: () -> Bool) -> Instant
}

extension MonotonicClock {
  public func sleep(for span: Nanoseconds) { sleep(until: now + span) }

  @discardableResult
  public func sleepPrecisely(until deadline: Instant) -> PreciseWake {
    sleepPrecisely(until: deadline, unless: { false })
  }
}
