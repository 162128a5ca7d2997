import Foundation
import Sequencer
import Units

/// Events that do not come from the timing thread (a console's command), handed to the thread
/// that drains the treatment's events, which passes them to the record, the summary and the
/// consoles with the rest.
///
/// Refused lines are recorded at a bounded rate, across every client: the telemetry server
/// drops a client past five refused lines a second, but a flood of connections that each send
/// a few would otherwise put thousands of rows a second into the record (and as many lines
/// onto the operator's terminal), and keep the draining thread, which also makes each pulse's
/// intent durable, from its work. Past `refusalsPerSecond` in a second, refusals are counted,
/// and one event says how many were not recorded one by one. Pauses and aborts are never
/// counted against it.
final class SideEvents: @unchecked Sendable {
  private let lock = NSLock()
  private var pending: [TreatmentEvent] = []
  /// At most this many wait at once; more are not kept. (A console's repeats past five
  /// commands a second act but are not recorded, and refusals are bounded by
  /// `refusalsPerSecond`, long before anything could reach this.)
  let limit = 256
  /// Refused lines recorded one by one in a second, at most.
  static let refusalsPerSecond = 5

  private let now: @Sendable () -> Instant
  /// The second refusals are counted in: since `windowStart`, `recorded` went in one by one
  /// and `unrecorded` were only counted.
  private var windowStart: Instant?
  private var recorded = 0
  private var unrecorded = 0

  /// `now`: the treatment's clock, read from the server's and the draining thread.
  init(now: @escaping @Sendable () -> Instant) { self.now = now }

  func add(_ event: TreatmentEvent) {
    lock.withLock { keep(event) }
  }

  /// A line a console sent that is not a command it may give (as the server cleaned it).
  func addRefusal(command: String, detail: String, at instant: Instant) {
    lock.withLock {
      closeWindow(at: instant)
      if windowStart == nil { windowStart = instant }
      if recorded < Self.refusalsPerSecond {
        recorded += 1
        keep(.console(command: command, accepted: false, detail: detail, at: instant))
      } else {
        unrecorded += 1
      }
    }
  }

  /// The clock is read only while a counting second is open: refusals come only with
  /// telemetry, whose clocks (the real one, the simulator's in real time) compute `now` from
  /// CLOCK_MONOTONIC alone; a virtual clock, which only the timing thread may read, never
  /// gets here.
  func take() -> [TreatmentEvent] {
    lock.withLock {
      if windowStart != nil { closeWindow(at: now()) }
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
  }

  /// Everything still waiting, the count of a second not yet over included: the treatment
  /// has ended and nothing comes after.
  func takeAll() -> [TreatmentEvent] {
    lock.withLock {
      if windowStart != nil { closeWindow(at: now(), force: true) }
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
  }

  /// Caller holds the lock. `always`: kept even past `limit` (a second's count, one event,
  /// which must not be the thing a stalled drain loses).
  private func keep(_ event: TreatmentEvent, always: Bool = false) {
    if always || pending.count < limit { pending.append(event) }
  }

  /// Caller holds the lock. Ends the counting second once `instant` is a second past its
  /// start (or at once, `force`d), saying how many refusals it did not record one by one, at
  /// the end of that second. (Times are read outside the lock by the threads that add
  /// refusals, so a count may carry an instant a few microseconds off the refusals it counts;
  /// nothing orders the record's rows by time.)
  private func closeWindow(at instant: Instant, force: Bool = false) {
    guard let start = windowStart, force || instant - start >= .seconds(1) else { return }
    if unrecorded > 0 {
      keep(
        .console(
          command: "refused lines", accepted: false,
          detail:
            "\(unrecorded) more since the last one recorded, not recorded one by one"
            + " (at most \(Self.refusalsPerSecond) a second are)",
          at: min(instant, start + .seconds(1))), always: true)
    }
    windowStart = nil
    recorded = 0
    unrecorded = 0
  }
}
