import Atomics
import Foundation
import Protocol
import Safety
import Sequencer
import Units

/// The operator at the controlling terminal of `irectl treat`, who alone may make things more
/// dangerous (SAFETY.md principle 4): delivery paused by the operator or by a lost trigger goes
/// on only when the operator, told of the pause, types `RESUME` on the terminal, as the
/// generator is armed only when the operator types `ARM`. Nothing resumes by itself on
/// hardware; a console can pause and abort, never resume.
///
/// Three threads meet here, without a lock: the timing thread asks `paused` every poll; a
/// reader thread takes the terminal's lines; the thread that drains the treatment's events
/// tells the operator of each pause (`treatment(_:)`).
public final class TerminalOperator: TreatmentOperator, TreatmentObserver, @unchecked Sendable {
  /// How long a pause may last before the treatment is aborted.
  public let patience: Nanoseconds
  private let nextLine: @Sendable () -> String?
  private let say: @Sendable (String) -> Void
  /// A pause that the operator's resume can end stands now (set by the timing thread).
  private let awaitingResume = ManagedAtomic<Bool>(false)
  /// `RESUME` was typed while such a pause stood (set by the reader, taken by the timing thread).
  private let resumeTyped = ManagedAtomic<Bool>(false)
  /// The pause the timing thread last asked about (timing thread only).
  private var currentPause: Instant?

  /// `nextLine` reads the terminal (standard input by default); `say` writes to it.
  public init(
    patience: Nanoseconds, nextLine: @escaping @Sendable () -> String? = { readLine(strippingNewline: true) },
    say: @escaping @Sendable (String) -> Void
  ) {
    self.patience = patience
    self.nextLine = nextLine
    self.say = say
  }

  /// Starts reading the terminal's lines. A line other than `RESUME` is answered and ignored;
  /// the end of input leaves every pause to end by the operator's patience.
  public func start() {
    let thread = Thread { [self] in
      while let line = nextLine() {
        let word = line.trimmingCharacters(in: .whitespaces)
        guard !word.isEmpty else { continue }
        if word == "RESUME", awaitingResume.load(ordering: .acquiring) {
          resumeTyped.store(true, ordering: .releasing)
          say("RESUME taken: delivery goes on once every other cause is gone")
        } else if word == "RESUME" {
          say("nothing to resume: delivery is not paused by the operator or by the trigger")
        } else {
          say("\"\(word)\" ignored: type RESUME to resume a pause; Ctrl-C stops the treatment safely")
        }
      }
    }
    thread.name = "irectl-terminal"
    thread.start()
  }

  public func paused(_ pause: PauseSituation) -> PauseDecision {
    if pause.duration >= patience {
      let reasons = pause.causes.interlocks.map(\.reason).joined(separator: "; ")
      return .abort(reason: "paused for \(formatted(pause.duration.seconds)) s: \(reasons)")
    }
    if currentPause != pause.began {
      // A new pause: a RESUME typed for an earlier one is no answer to this one.
      currentPause = pause.began
      resumeTyped.store(false, ordering: .releasing)
    }
    guard !pause.causes.isDisjoint(with: .endedByResume) else {
      awaitingResume.store(false, ordering: .releasing)
      return .wait
    }
    awaitingResume.store(true, ordering: .releasing)
    guard resumeTyped.exchange(false, ordering: .acquiringAndReleasing) else { return .wait }
    awaitingResume.store(false, ordering: .releasing)
    return .resume
  }

  /// On hardware a latched fault ends the treatment: the operator clears the cause and starts
  /// a new one, with the record saying what was delivered.
  public func recover(from fault: Fault, latchedAt: Instant, now: Instant) -> RecoveryDecision { .end }

  /// The start-up latch is acknowledged by arming (`ARM`), which happened before the run.
  public func acknowledge(_ fault: Fault) -> Bool { fault.interlock == .startup }

  public func reviewSet(pair: ProbePair, set: Int, currents: CurrentStatistics) -> Bool { true }

  public func continueAfterStoppedPair(_ pair: ProbePair, fault: Fault) -> Bool { false }

  /// Tells the operator of each pause that is the operator's to end, and what ends it.
  public func treatment(_ event: TreatmentEvent) {
    guard case .state(let state, _) = event else { return }
    guard case .paused(let causes) = state else {
      awaitingResume.store(false, ordering: .releasing)
      return
    }
    let reasons = causes.interlocks.map(\.reason).joined(separator: "; ")
    if causes.isDisjoint(with: .endedByResume) {
      say("PAUSED: \(reasons); delivery goes on by itself once the cause is gone")
    } else {
      say("PAUSED: \(reasons). Type RESUME and Enter to resume; Ctrl-C stops the treatment safely")
    }
  }
}
