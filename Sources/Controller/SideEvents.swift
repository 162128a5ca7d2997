import Foundation
import Sequencer

/// Events that do not come from the timing thread (a console's command), handed to the thread
/// that drains the treatment's events, which passes them to the record, the summary and the
/// consoles with the rest.
final class SideEvents: @unchecked Sendable {
  private let lock = NSLock()
  private var pending: [TreatmentEvent] = []

  func add(_ event: TreatmentEvent) { lock.withLock { pending.append(event) } }

  func take() -> [TreatmentEvent] {
    lock.withLock {
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
  }
}
