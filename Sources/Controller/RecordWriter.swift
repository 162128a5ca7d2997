import Foundation
import Record
import Safety
import Sequencer
import Units

/// The treatment's events, into the SQLite record, on the thread that drains the event ring.
///
/// An intent is committed (synchronous FULL: on disk when the commit returns) as soon as it
/// arrives, and the timing loop's gate is raised, so that the pulse may fire; everything else
/// rides along with the next commit, and a fault or the end of the session commits at once.
/// A failed write is kept and reported at the end, and it closes the gate: no further pulse
/// fires unrecorded, and the timing loop latches a `record` fault. What is only passing (another
/// process holding the file for a moment, an I/O error of the moment) is waited out and tried
/// again, within bounds, by the record itself; a full disk is not.
///
/// The writer claims the record for the treatment's life: a second treatment on the same file
/// is refused before it starts.
public final class RecordWriter: TreatmentObserver {
  public let session: SessionWriter
  public let gate: IntentGate
  private let record: TreatmentRecord
  private let origin: Instant
  private var finalBank: Volts?
  /// The first write that failed, if any.
  public private(set) var failure: String?

  public init(record: TreatmentRecord, info: SessionInfo, origin: Instant, gate: IntentGate) throws {
    try record.claimForTreatment()
    self.record = record
    self.session = try record.begin(info)
    self.gate = gate
    self.origin = origin
  }

  private func ms(_ instant: Instant) -> Double { (instant - origin).milliseconds }

  public func treatment(_ event: TreatmentEvent) {
    switch event {
    case .intent(let intent):
      session.append(
        "pulse_intents",
        [
          intent.index, intent.pair, intent.kind.rawValue, intent.polarity.rawValue, intent.pulses,
          ms(intent.at),
        ])
      if commit() { gate.markDurable(through: intent.index) }
    case .pulse(let pulse):
      session.append(
        "pulses",
        [
          pulse.index, pulse.pair, pulse.kind.rawValue, pulse.polarity.rawValue, pulse.trigger.map(ms),
          ms(pulse.scheduled), ms(pulse.fired), (pulse.fired - pulse.scheduled).microseconds,
          pulse.current?.value, pulse.voltage?.value, pulse.supervisorCount.map { Int($0) },
        ])
    case .skipped(let beat):
      session.append("skipped_beats", [beat.pair, beat.reason.rawValue, ms(beat.at)])
    case .fault(let fault, let at, let index):
      session.append("interlock_events", ["fault", fault.interlock.rawValue, fault.reason, ms(at), index])
      commit()
    case .recovered(let fault, let at):
      session.append(
        "interlock_events",
        ["recovered", fault.interlock.rawValue, "cause cleared and acknowledged", ms(at), nil as Int?])
      commit()
    case .hardwareError(let text, let at):
      session.append("interlock_events", ["hardware_error", nil as String?, text, ms(at), nil as Int?])
      commit()
    case .state(let state, let at):
      let cause: String? =
        switch state {
        case .paused(let causes): causes.names
        case .latched(let fault), .pairStopped(let fault): fault.interlock.rawValue
        case .idle, .switching, .charging, .ready, .delivering, .finished: nil
        }
      session.append("state_changes", [state.name, cause, ms(at)])
    case .temperature(let celsius, let at):
      session.append("temperatures", [ms(at), celsius.value])
    case .ended(let bank, _):
      finalBank = bank
    case .console(let command, let accepted, let detail, let at):
      // A console's command is kept whether it was taken or not (SAFETY.md principle 4).
      session.append(
        "interlock_events",
        [
          accepted ? "console_command" : "console_refused", nil as String?, "\(command): \(detail)", ms(at),
          nil as Int?,
        ])
      // A refusal goes to disk with the next commit: a client sending nonsense must not make
      // the record sync (and the next intent wait) once per line.
      if accepted { commit() }
    case .phase, .setReviewed, .readiness, .trigger, .bank:
      break
    }
  }

  /// The session's last row: how it ended, and the bounds of what was delivered: the pulses
  /// the supervisor counted, and every pulse whose edge was driven.
  public func close(outcome: TreatmentOutcome, delivered: ClosedRange<Int>) {
    session.append(
      "session_ends",
      [
        outcome.name, TreatmentRecord.timestamp(), delivered.lowerBound, delivered.upperBound,
        finalBank?.value,
        0,
      ])
    if commit() { session.finish() }
    record.releaseClaim()
  }

  @discardableResult
  private func commit() -> Bool {
    guard failure == nil else { return false }
    do {
      try session.commit()
      return true
    } catch {
      failure = String(describing: error)
      gate.fail()
      return false
    }
  }
}
