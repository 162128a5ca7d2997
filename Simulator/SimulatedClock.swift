import HAL
import Units

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The simulator's clock: virtual time that jumps straight to each deadline (`.fast`), or that
/// is paced to the wall clock (`.realtime`) so that a console can watch a treatment live.
///
/// Everything in the simulated world is a function of this clock's `now`; the few things that
/// must happen at a moment (a fault injected at t = 12 s) are scheduled actions, run in time
/// order as the clock passes them. Single-threaded by design: the simulated world, the drivers
/// and the sequencer all run on the caller's thread, which is what makes a run reproducible.
public final class SimulatedClock: MonotonicClock {
  public enum Pace: String, Sendable, CaseIterable {
    case fast
    case realtime
  }

  public private(set) var now: Instant
  public let pace: Pace
  private let wallOrigin: Instant
  private var scheduled: [(at: Instant, sequence: Int, action: () -> Void)] = []
  private var sequence = 0

  public init(pace: Pace = .fast, start: Instant = Instant(nanoseconds: 0)) {
    self.pace = pace
    self.now = start
    self.wallOrigin = SimulatedClock.wallNow() - start.sinceOrigin
  }

  /// How late a sleeping thread wakes after its deadline (a real kernel is never exact).
  /// Drawn by the simulation's seeded generator; zero unless set.
  public var wakeLatency: () -> Nanoseconds = { .zero }

  public func sleep(until deadline: Instant) { advance(to: max(deadline, now) + wakeLatency()) }

  /// Moves virtual time forward to `deadline`, running every scheduled action due on the way.
  /// Never moves backwards.
  public func advance(to deadline: Instant) {
    while let next = scheduled.first, next.at <= deadline {
      scheduled.removeFirst()
      moveTime(to: next.at)
      next.action()
    }
    moveTime(to: deadline)
  }

  /// Runs `action` when the clock reaches `instant` (at once, on the next advance, if past).
  public func schedule(at instant: Instant, _ action: @escaping () -> Void) {
    sequence += 1
    let entry = (at: max(instant, now), sequence: sequence, action: action)
    let index =
      scheduled.firstIndex { ($0.at, $0.sequence) > (entry.at, entry.sequence) } ?? scheduled.endIndex
    scheduled.insert(entry, at: index)
  }

  private func moveTime(to instant: Instant) {
    guard instant > now else { return }
    if pace == .realtime {
      let wallDeadline = wallOrigin + instant.sinceOrigin
      var remaining = wallDeadline - SimulatedClock.wallNow()
      while remaining.value > 0 {
        var request = timespec(
          tv_sec: Int(remaining.value / 1_000_000_000), tv_nsec: Int(remaining.value % 1_000_000_000))
        _ = nanosleep(&request, nil)
        remaining = wallDeadline - SimulatedClock.wallNow()
      }
    }
    now = instant
  }

  private static func wallNow() -> Instant {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Instant(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
  }
}
