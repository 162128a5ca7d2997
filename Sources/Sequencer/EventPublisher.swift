import Atomics

/// The timing thread's side of the event flow: each treatment event goes into a fixed ring
/// that another thread drains into the record, the summary and the displays, so that no disk,
/// terminal or socket ever stands between the timing loop and a pulse.
///
/// A full ring means the consumer has fallen far behind. On the virtual clock nothing is lost
/// by waiting for it, so the publisher waits; on real time a pulse must not wait, so the event
/// is counted as lost and the session reports it.
public final class EventPublisher: TreatmentObserver, @unchecked Sendable {
  public let ring: SPSCRing<TreatmentEvent>
  private let waitWhenFull: Bool
  private let lost = ManagedAtomic<Int>(0)

  /// Closed when an event is lost: a lost intent or outcome means the record no longer says
  /// what was delivered, so nothing more may fire.
  private let gate: IntentGate?

  public init(capacity: Int, waitWhenFull: Bool, gate: IntentGate? = nil) {
    ring = SPSCRing(capacity: capacity)
    self.waitWhenFull = waitWhenFull
    self.gate = gate
  }

  public func treatment(_ event: TreatmentEvent) {
    if ring.push(event) { return }
    if waitWhenFull {
      while !ring.push(event) { sched_yield() }
    } else {
      lost.wrappingIncrement(ordering: .relaxed)
      gate?.fail()
    }
  }

  /// Events refused because the ring was full (real time only).
  public var lostEvents: Int { lost.load(ordering: .relaxed) }
}

#if canImport(Glibc)
  import Glibc
#endif
