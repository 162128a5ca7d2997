import Protocol
import Safety
import Sequencer
import Units

/// The operator `irectl simulate` plays: holds the footswitch, acknowledges the start-up latch,
/// accepts every set review. It never clears a cause by itself and never acknowledges a fault
/// that stopped the treatment unless told to: a pause whose cause does not go away ends the run
/// as aborted after `patience`.
///
/// What it is told to do at given moments (`irectl simulate --operator resume@t=…`) counts only
/// for the pause or the latched fault that stands at that moment, as the operator's resume or
/// acknowledgement at a terminal would: one typed before the pause began is no answer to it.
public final class ScriptedOperator: TreatmentOperator {
  /// How long a pause may last before the scripted operator gives up and aborts.
  public var patience: Nanoseconds
  /// After a trigger loss, the scripted operator resumes once this long has passed (the heart
  /// may have come back; if not, delivery pauses again); `nil`: only when told to.
  public var resumeAfterTriggerLoss: Nanoseconds?

  /// With `--resume-after-fault`: after a latched fault, clear the causes (what an operator
  /// does at the bedside) and acknowledge.
  public var resumeAfterFault: Bool
  /// After a pause asked by a console or a signal: resume once this long has passed (the
  /// simulated operator had a look), or only when told to (`nil`).
  public var resumeAfterOperatorPause: Nanoseconds?
  /// Moments at which the operator resumes (`--operator resume@…`), and acknowledges a latched
  /// fault (`--operator acknowledge@…`), each used once.
  public private(set) var resumes: [Instant] = []
  public private(set) var acknowledgements: [Instant] = []
  /// Acknowledgements the script holds for later, at moments not known yet (after a step):
  /// a latched fault waits for them, within the operator's patience.
  public private(set) var acknowledgementsToCome = 0
  /// Since when the operator's own pause, and a trigger loss, have stood (as the scripted
  /// operator saw them): what it waits out, and what a resume answers, is each its own.
  private var operatorPauseSince: Instant?
  private var triggerLossSince: Instant?
  private let clearCauses: () -> Void

  public init(
    patience: Nanoseconds = .seconds(60), resumeAfterTriggerLoss: Nanoseconds? = .seconds(5),
    resumeAfterFault: Bool = false, resumeAfterOperatorPause: Nanoseconds? = .seconds(3),
    clearCauses: @escaping () -> Void = {}
  ) {
    self.patience = patience
    self.resumeAfterTriggerLoss = resumeAfterTriggerLoss
    self.resumeAfterFault = resumeAfterFault
    self.resumeAfterOperatorPause = resumeAfterOperatorPause
    self.clearCauses = clearCauses
  }

  /// The operator resumes at `instant` (if a pause stands then).
  public func resume(at instant: Instant) { resumes.append(instant) }

  /// The operator acknowledges at `instant` (if a latched fault waits then).
  public func acknowledge(at instant: Instant) {
    acknowledgements.append(instant)
    acknowledgementsToCome = max(acknowledgementsToCome - 1, 0)
  }

  /// The script will acknowledge once more, at a moment not known yet.
  public func willAcknowledge() { acknowledgementsToCome += 1 }

  public func recover(from fault: Fault, latchedAt: Instant, now: Instant) -> RecoveryDecision {
    if resumeAfterFault {
      clearCauses()
      return .acknowledge
    }
    if take(&acknowledgements, from: latchedAt, to: now) { return .acknowledge }
    // Told to acknowledge later, within its patience: it waits for that moment.
    let told = acknowledgements.contains { $0 > now } || acknowledgementsToCome > 0
    if told && now - latchedAt < patience { return .wait }
    return .end
  }

  public func acknowledge(_ fault: Fault) -> Bool { fault.interlock == .startup }

  public func reviewSet(pair: ProbePair, set: Int, currents: CurrentStatistics) -> Bool { true }

  public func continueAfterStoppedPair(_ pair: ProbePair, fault: Fault) -> Bool { false }

  public func paused(_ pause: PauseSituation) -> PauseDecision {
    if pause.duration >= patience {
      let reasons = pause.causes.interlocks.map(\.reason).joined(separator: "; ")
      return .abort(reason: "paused for \(formatted(pause.duration.seconds)) s: \(reasons)")
    }
    // A moment from an earlier pause is no part of this one: each pause is waited out anew
    // (a console's second pause an hour after the first is looked at for its own three
    // seconds, not resumed at once).
    let thisPause = { (since: Instant?) in since.flatMap { $0 >= pause.began ? $0 : nil } }
    operatorPauseSince =
      pause.causes.contains(.operatorPause) ? thisPause(operatorPauseSince) ?? pause.now : nil
    triggerLossSince = pause.causes.contains(.ecgTrigger) ? thisPause(triggerLossSince) ?? pause.now : nil
    // Only the causes that are the operator's to end are worth a resume; the footswitch and
    // the heat-sink end theirs by themselves. A resume answers the causes that stood when it
    // was told, none that joined later.
    let since = [operatorPauseSince, triggerLossSince].compactMap { $0 }.min()
    guard let since else { return .wait }
    if take(&resumes, from: max(since, pause.began), to: pause.now) { return .resume }
    let operatorDone =
      operatorPauseSince.map { since in resumeAfterOperatorPause.map { pause.now - since >= $0 } ?? false }
      ?? true
    let triggerDone =
      triggerLossSince.map { since in resumeAfterTriggerLoss.map { pause.now - since >= $0 } ?? false }
      ?? true
    return operatorDone && triggerDone ? .resume : .wait
  }

  /// Uses up the first moment in `moments` that falls within `from...to`.
  private func take(_ moments: inout [Instant], from: Instant, to: Instant) -> Bool {
    guard let index = moments.firstIndex(where: { $0 >= from && $0 <= to }) else { return false }
    moments.remove(at: index)
    return true
  }
}
