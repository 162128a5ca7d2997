import HAL
import Units

/// One pulse's way from its sleep to its edge, as clock readings the fire path takes anyway
/// (and two after the edge): where the time between the scheduled instant and the edge goes.
/// `irectl bench timing` prints these as percentiles.
public struct FireTrace: Sendable, Equatable {
  /// The pulse's scheduled instant.
  public var scheduled: Instant
  /// How long before `scheduled` the spin ended to leave room for the last look.
  public var lead: Nanoseconds
  /// The sleep before the spin and the spin itself.
  public var wake: PreciseWake
  /// The clock read right after the last look (the machine's permission, the five interlock
  /// lines, the pending-stop check).
  public var lookEnded: Instant
  /// The pulse's instant: the clock read immediately before the call that raises `pulse_fire`.
  public var instant: Instant
  /// The clock read right after that call returned.
  public var afterWrite: Instant
  /// The cost of one clock read, read twice after the edge.
  public var clockRead: Nanoseconds

  public init(scheduled: Instant, lead: Nanoseconds, wake: PreciseWake) {
    self.scheduled = scheduled
    self.lead = lead
    self.wake = wake
    lookEnded = wake.spinEnded
    instant = wake.spinEnded
    afterWrite = wake.spinEnded
    clockRead = .zero
  }

  /// How late the sleep before the spin returned after its own deadline (the spin's start,
  /// `margin` before the spin's end).
  public func wakeUp(margin: Nanoseconds) -> Nanoseconds { wake.woke - (scheduled - lead - margin) }
  /// The spin, from the wake-up to the spin's last clock read.
  public var spin: Nanoseconds { wake.spinEnded - wake.woke }
  /// The last look, from the spin's end to the clock read after it.
  public var look: Nanoseconds { lookEnded - wake.spinEnded }
  /// The wait on the clock after a look that came back before the instant.
  public var settle: Nanoseconds { instant - lookEnded }
  /// The call that raised `pulse_fire`.
  public var fireWrite: Nanoseconds { afterWrite - instant }
  /// The pulse's onset error: its instant minus its scheduled instant.
  public var onsetError: Nanoseconds { instant - scheduled }
}
