import HAL
import Units

/// The simulator's clock: virtual time that jumps straight to each deadline (`.fast`), or the
/// real monotonic clock (`.realtime`), so that a console can watch a treatment live and the
/// timing core can be measured against the operating system.
///
/// Everything in the simulated world is a function of this clock's `now`; the few things that
/// must happen at a moment (a fault injected at t = 12 s) are scheduled actions, run in time
/// order as the clock passes them. The world is driven from one thread at a time (the timing
/// thread during a treatment), which is what makes a fast run reproducible.
public final class SimulatedClock: MonotonicClock {
  public enum Pace: String, Sendable, CaseIterable {
    case fast
    case realtime
  }

  public let pace: Pace
  /// The controller's calls into the simulated board, this clock's sleeps among them.
  public let steps = StepLog()
  /// Virtual time (fast), or where the real clock was at the last look (realtime).
  private var cursor: Instant
  /// Real monotonic time at virtual zero (realtime).
  private let wallOrigin: Instant
  private var scheduled: [(at: Instant, sequence: Int, action: () -> Void)] = []
  private var sequence = 0
  /// How long before a precise deadline a real-time sleep stops sleeping and starts spinning.
  public var spinMargin = PosixTime.spinMargin
  /// Time spent spinning to precise deadlines (realtime): CPU time, on a thread that the
  /// spin keeps on its core.
  public private(set) var spinCPUTime = Nanoseconds.zero
  /// Virtual time each GPIO line access costs (fast): zero, as a board's lines cost next to
  /// nothing; set to make the controller's own reads and writes take time, so that a test can
  /// see where in the fire path the time goes and that the edge still leaves on time.
  public var accessCharge = Nanoseconds.zero

  /// How late a sleeping thread wakes after its deadline in fast mode (a real kernel is never
  /// exact). Drawn by the simulation's seeded generator; zero unless set. Unused in realtime,
  /// where the real kernel supplies its own.
  public var wakeLatency: () -> Nanoseconds = { .zero }

  public init(pace: Pace = .fast, start: Instant = Instant(nanoseconds: 0)) {
    self.pace = pace
    self.cursor = start
    self.wallOrigin = PosixTime.monotonicNow() - start.sinceOrigin
  }

  public var now: Instant {
    switch pace {
    case .fast: return cursor
    case .realtime: return PosixTime.monotonicNow() - wallOrigin.sinceOrigin
    }
  }

  public func sleep(until deadline: Instant) {
    steps.take(.sleep)
    sleepUncounted(until: deadline)
  }

  /// A sleep of the simulated world itself (a thread woken by an edge), not a call of the
  /// controller's: it is not a step.
  func sleepUncounted(until deadline: Instant) {
    switch pace {
    case .fast: advance(to: max(deadline, cursor) + wakeLatency())
    case .realtime: advance(to: deadline)
    }
  }

  /// On virtual time the spin takes no time: whatever is scheduled up to the (late) wake-up
  /// happens first, and the caller's last look sees it.
  /// In realtime, what the world does during the spin happens right after it (one look at the
  /// schedule when nothing is due), so that the caller's last look sees it.
  @discardableResult
  public func sleepPrecisely(until deadline: Instant, unless stop: () -> Bool) -> PreciseWake {
    steps.take(.sleepPrecisely)
    switch pace {
    case .fast:
      // The sleep to the spin margin wakes late by the kernel's latency; the spin absorbs what
      // the margin covers (on virtual time it takes no steps of its own).
      let woke = max(deadline - spinMargin, cursor) + wakeLatency()
      advance(to: woke)
      advance(to: deadline)
      return PreciseWake(woke: woke, spinEnded: cursor)
    case .realtime:
      runScheduled(through: deadline - spinMargin)
      let wake = PosixTime.sleepThenSpin(
        until: wallOrigin + deadline.sinceOrigin, margin: spinMargin, unless: stop)
      spinCPUTime = spinCPUTime + (wake.spinEnded - wake.woke)
      runScheduled(through: wake.spinEnded - wallOrigin.sinceOrigin)
      return PreciseWake(
        woke: wake.woke - wallOrigin.sinceOrigin, spinEnded: wake.spinEnded - wallOrigin.sinceOrigin)
    }
  }

  /// The fire path's short wait after its last look: on virtual time exact (no wake-up
  /// latency: nothing sleeps); a step, as a window in which the world may change.
  public func spin(until deadline: Instant, unless stop: () -> Bool) -> Instant {
    steps.take(.sleepPrecisely)
    switch pace {
    case .fast:
      advance(to: max(deadline, cursor))
      return cursor
    case .realtime:
      let ended = PosixTime.spin(until: wallOrigin + deadline.sinceOrigin, unless: stop)
      runScheduled(through: ended - wallOrigin.sinceOrigin)
      return ended - wallOrigin.sinceOrigin
    }
  }

  /// A GPIO line access of the controller's: costs `accessCharge` of virtual time (fast).
  func chargeAccess() {
    guard pace == .fast, accessCharge > .zero else { return }
    advance(to: cursor + accessCharge)
  }

  /// Moves time forward to `deadline` (in realtime: waits for it), running every scheduled
  /// action due on the way. Never moves backwards.
  public func advance(to deadline: Instant) {
    runScheduled(through: deadline)
    switch pace {
    case .fast: cursor = max(cursor, deadline)
    case .realtime: PosixTime.sleepAbsolute(until: wallOrigin + deadline.sinceOrigin)
    }
  }

  /// The thread driving the simulation stops for `span` (fault injection, `stall`): time
  /// passes and nothing the controller does happens meanwhile.
  public func stall(for span: Nanoseconds) {
    switch pace {
    case .fast: cursor = cursor + span
    case .realtime: PosixTime.sleepAbsolute(until: PosixTime.monotonicNow() + span)
    }
  }

  /// Runs `action` when the clock reaches `instant` (at once, on the next advance, if past).
  public func schedule(at instant: Instant, _ action: @escaping () -> Void) {
    sequence += 1
    let entry = (at: max(instant, now), sequence: sequence, action: action)
    let index =
      scheduled.firstIndex { ($0.at, $0.sequence) > (entry.at, entry.sequence) } ?? scheduled.endIndex
    scheduled.insert(entry, at: index)
  }

  /// Forgets every action not yet run: the session is over, and an action that would have
  /// come later (a fault or an operator's act past the end) must not keep the board alive
  /// through what it captured.
  public func dropScheduled() { scheduled.removeAll() }

  private func runScheduled(through deadline: Instant) {
    while let next = scheduled.first, next.at <= deadline {
      scheduled.removeFirst()
      switch pace {
      case .fast: cursor = max(cursor, next.at)
      case .realtime: PosixTime.sleepAbsolute(until: wallOrigin + next.at.sinceOrigin)
      }
      next.action()
    }
  }
}
