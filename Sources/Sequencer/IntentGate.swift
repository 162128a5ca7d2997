import Atomics

/// Between the record's writer and the timing loop: the highest pulse index whose intent is on
/// disk. The writer raises it after each commit; the timing loop reads it before every fire
/// edge, without a lock, and does not fire ahead of it.
///
/// On the virtual clock the loop waits for the writer (time stands still meanwhile); on real
/// time a beat whose intent is not durable yet is skipped, never waited for.
public final class IntentGate: @unchecked Sendable {
  private let durable = ManagedAtomic<Int>(-1)
  private let failed = ManagedAtomic<Bool>(false)
  private let waits: Bool

  public init(waitForDisk: Bool) { waits = waitForDisk }

  /// The writer: every intent up to `index` is on disk.
  public func markDurable(through index: Int) {
    var current = durable.load(ordering: .relaxed)
    while current < index {
      let (exchanged, found) = durable.compareExchange(
        expected: current, desired: index, ordering: .releasing)
      if exchanged { return }
      current = found
    }
  }

  /// The writer: the record cannot be written any more. Nothing is durable from now on.
  public func fail() { failed.store(true, ordering: .releasing) }

  /// Whether the record has failed.
  public var hasFailed: Bool { failed.load(ordering: .acquiring) }

  /// The timing loop: whether pulse `index` may fire (waiting for it on the virtual clock,
  /// unless the record failed).
  public func isDurable(_ index: Int) -> Bool {
    if durable.load(ordering: .acquiring) >= index { return true }
    guard waits else { return false }
    while durable.load(ordering: .acquiring) < index {
      if hasFailed { return false }
      sched_yield()
    }
    return true
  }
}

#if canImport(Glibc)
  import Glibc
#endif
