import Foundation
import Sequencer
import Units

/// Events that do not come from the timing thread (a console's command), handed to the thread
/// that drains the treatment's events, which passes them to the record, the summary and the
/// consoles with the rest.
///
/// A console's events are recorded at a bounded rate, across every client: the telemetry
/// server drops a client past five refused lines a second and records none of one client's
/// repeats past five commands a second, but a flood of connections that each send a few lines
/// would otherwise put thousands of rows a second into the record (and as many lines onto the
/// operator's terminal), and keep the draining thread, which also makes each pulse's intent
/// durable, from its work. Each kind of event (refused lines; pauses taken; pauses not taken;
/// aborts likewise) has its own counting second: past `perSecond` in it, events of that kind
/// are counted, and one event at the end of the second says how many were not recorded one
/// by one. What a console's command does is never touched: this is about the record only.
final class SideEvents: @unchecked Sendable {
  private let lock = NSLock()
  private var pending: [TreatmentEvent] = []
  /// At most this many wait at once; more are not kept. (Every kind is bounded by
  /// `perSecond`, long before anything could reach this.)
  let limit = 256
  /// A console's events of one kind recorded one by one in a counting second, at most.
  static let perSecond = 5

  /// One kind's counting second: since `start`, `recorded` went in one by one and
  /// `unrecorded` were only counted.
  private struct Window {
    var start: Instant
    var recorded = 0
    var unrecorded = 0
  }
  /// Keyed by what the count's event says: its name (plural, so that a count never reads
  /// as a command itself: "pauses taken: 15 more ...") and whether they were taken.
  private struct Kind: Hashable {
    var command: String
    var accepted: Bool
  }
  private var windows: [Kind: Window] = [:]

  private let now: @Sendable () -> Instant

  /// `now`: the treatment's clock, read from the server's and the draining thread. It is read
  /// only for a console's event and while a counting second is open: a console's events come
  /// only with telemetry, whose clocks (the real one, the simulator's in real time) compute
  /// `now` from CLOCK_MONOTONIC alone; a virtual clock, which only the timing thread may read,
  /// never gets here.
  init(now: @escaping @Sendable () -> Instant) { self.now = now }

  /// A console's pause or abort, now (`accepted` when it went into the command ring).
  func addCommand(_ command: String, accepted: Bool, detail: String) {
    lock.withLock {
      let instant = now()
      count(
        Kind(command: "\(command)s \(accepted ? "taken" : "not taken")", accepted: accepted),
        .console(command: command, accepted: accepted, detail: detail, at: instant), at: instant)
    }
  }

  /// A line a console sent that is not a command it may give (as the server cleaned it), now.
  func addRefusal(command: String, detail: String) {
    lock.withLock {
      let instant = now()
      count(
        Kind(command: "refused lines", accepted: false),
        .console(command: command, accepted: false, detail: detail, at: instant), at: instant)
    }
  }

  /// What waits, with the counts of the seconds that are over.
  func take() -> [TreatmentEvent] { drain(force: false) }

  /// Everything still waiting, the counts of seconds not yet over included: the treatment
  /// has ended and nothing comes after.
  func takeAll() -> [TreatmentEvent] { drain(force: true) }

  private func drain(force: Bool) -> [TreatmentEvent] {
    lock.withLock {
      if !windows.isEmpty { closeWindows(at: now(), force: force) }
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
  }

  /// Caller holds the lock.
  private func count(_ kind: Kind, _ event: TreatmentEvent, at instant: Instant) {
    closeWindows(at: instant)
    var window = windows[kind] ?? Window(start: instant)
    if window.recorded < Self.perSecond {
      window.recorded += 1
      keep(event)
    } else {
      window.unrecorded += 1
    }
    windows[kind] = window
  }

  /// Caller holds the lock. `always`: kept even past `limit` (a second's count, one event,
  /// which must not be the thing a stalled drain loses).
  private func keep(_ event: TreatmentEvent, always: Bool = false) {
    if always || pending.count < limit { pending.append(event) }
  }

  /// Caller holds the lock. Ends every counting second that `instant` is a second past the
  /// start of (or all of them, `force`d), saying for each how many events it did not record
  /// one by one, at the end of that second.
  private func closeWindows(at instant: Instant, force: Bool = false) {
    // In the kinds' order, not the dictionary's (which differs from run to run).
    let over = windows.filter { force || instant - $0.value.start >= .seconds(1) }
    for (kind, window) in over.sorted(by: { $0.key.command < $1.key.command }) {
      if window.unrecorded > 0 {
        keep(
          .console(
            command: kind.command, accepted: kind.accepted,
            detail:
              "\(window.unrecorded) more since the last one recorded, not recorded one by one"
              + " (at most \(Self.perSecond) a second are)",
            at: min(instant, window.start + .seconds(1))), always: true)
      }
      windows[kind] = nil
    }
  }
}
