import Units

/// The clock every timed decision uses: CLOCK_MONOTONIC on hardware, a virtual clock in the
/// simulator (advanced as fast as the CPU allows, or paced to real time).
public protocol MonotonicClock: AnyObject {
  var now: Instant { get }
  /// Returns at `deadline` or, on a real clock, shortly after it. Returns at once if it passed.
  func sleep(until deadline: Instant)
}

extension MonotonicClock {
  public func sleep(for span: Nanoseconds) { sleep(until: now + span) }
}
