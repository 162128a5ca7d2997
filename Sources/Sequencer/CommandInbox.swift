import Foundation

/// The timing loop's command ring has one producer; several threads may want to stop a
/// treatment (the signal relay, the telemetry server). They take turns here, so that the ring
/// still sees one push at a time, and the timing thread still reads it without a lock.
public final class CommandInbox: @unchecked Sendable {
  private let ring: SPSCRing<TreatmentCommand>
  private let lock = NSLock()

  init(_ ring: SPSCRing<TreatmentCommand>) { self.ring = ring }

  /// `false` when the ring is full (64 commands not yet read: the timing loop is stalled, and
  /// the watchdog is what stops it then).
  @discardableResult
  public func push(_ command: TreatmentCommand) -> Bool {
    lock.withLock { ring.push(command) }
  }
}
