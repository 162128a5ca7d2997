import Units

/// The real clock: CLOCK_MONOTONIC, the clock the kernel stamps GPIO edge events with, so that
/// a trigger's timestamp and the fire deadline computed from it are on one time base.
public final class SystemClock: MonotonicClock {
  /// How long before a fire deadline the thread stops sleeping and spins (`PosixTime.spinMargin`).
  public let spinMargin: Nanoseconds

  public init(spinMargin: Nanoseconds = PosixTime.spinMargin) {
    self.spinMargin = spinMargin
  }

  public var now: Instant { PosixTime.monotonicNow() }

  public func sleep(until deadline: Instant) { PosixTime.sleepAbsolute(until: deadline) }

  @discardableResult
  public func sleepPrecisely(until deadline: Instant, unless stop: () -> Bool) -> PreciseWake {
    PosixTime.sleepThenSpin(until: deadline, margin: spinMargin, unless: stop)
  }

  public func spin(until deadline: Instant, unless stop: () -> Bool) -> Instant {
    PosixTime.spin(until: deadline, unless: stop)
  }
}
