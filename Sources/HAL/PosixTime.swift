import Units

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The operating system's clocks, wrapped once: CLOCK_MONOTONIC readings, absolute-deadline
/// sleeps (`clock_nanosleep` with `TIMER_ABSTIME`, restarted on EINTR) and the calling thread's
/// CPU time. Shared by every clock that runs on real time.
public enum PosixTime {
  /// `clock_gettime(CLOCK_MONOTONIC)`.
  public static func monotonicNow() -> Instant {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Instant(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
  }

  /// `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`: CPU time the calling thread has used.
  public static func threadCPUTime() -> Nanoseconds {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Nanoseconds(Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
  }

  /// `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ...)`: sleeps until the monotonic clock
  /// reads `deadline`. An absolute deadline does not drift when a signal interrupts the sleep:
  /// it is simply restarted.
  public static func sleepAbsolute(until deadline: Instant) {
    let ns = deadline.sinceOrigin.value
    guard ns > 0 else { return }
    var request = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &request, nil) == EINTR {}
  }

  /// How long before a fire deadline a real-time sleep stops sleeping and starts spinning:
  /// longer than the operating system's usual wake-up latency (tens of microseconds), so that
  /// the spin, not the wake-up, sets the edge. One value for every clock that runs on real time
  /// (docs/performance.md).
  public static let spinMargin = Nanoseconds.microseconds(150)

  /// Sleeps to `margin` before `deadline`, then spins on the clock to it: the operating system
  /// wakes a sleeping thread tens of microseconds late (milliseconds on a bad day), and the
  /// spin takes the rest of the way exactly. The spin returns early once `stop` says so.
  /// Returns when the sleep returned and the spin's last clock read: nothing but clock reads
  /// and `stop` runs after the spin's end (no CPU-time accounting there: that would be a
  /// system call between the spin and the edge).
  @discardableResult
  public static func sleepThenSpin(
    until deadline: Instant, margin: Nanoseconds, unless stop: () -> Bool = { false }
  ) -> PreciseWake {
    // A deadline inside the margin is spun to at once: clock_nanosleep with a past deadline
    // is a system call that returns at once, and its cost would land on the edge.
    if monotonicNow() < deadline - margin { sleepAbsolute(until: deadline - margin) }
    let woke = monotonicNow()
    return PreciseWake(woke: woke, spinEnded: spin(until: deadline, from: woke, unless: stop))
  }

  /// Spins on CLOCK_MONOTONIC to `deadline`; returns the last reading (before `deadline` when
  /// `stop` said yes).
  public static func spin(
    until deadline: Instant, from start: Instant? = nil, unless stop: () -> Bool = { false }
  ) -> Instant {
    var now = start ?? monotonicNow()
    while now < deadline, !stop() { now = monotonicNow() }
    return now
  }
}
