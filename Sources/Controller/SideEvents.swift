import Foundation
import Sequencer

/// Events that do not come from the timing thread (a console's command), handed to the thread
/// that drains the treatment's events, which passes them to the record, the summary and the
/// consoles with the rest.
final class SideEvents: @unchecked Sendable {
  private let lock = NSLock()
  private var pending: [TreatmentEvent] = []
  /// At most this many wait at once; more are not kept. (A console's repeats past five
  /// commands a second act but are not recorded, and the telemetry server drops a client past
  /// five refused lines a second, long before a flood could reach this.)
  let limit = 256

  func add(_ event: TreatmentEvent) {
    lock.withLock {
      if pending.count < limit { pending.append(event) }
    }
  }

  func take() -> [TreatmentEvent] {
    lock.withLock {
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
  }
}
