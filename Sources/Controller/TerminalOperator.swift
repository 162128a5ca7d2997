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
  /// The pause, by number, that the operator's resume can end now; 0 when none (set by the
  /// timing thread).
  private let awaitingResume = ManagedAtomic<Int>(0)
  /// The pause `RESUME` was typed for (set by the reader, read by the timing thread): a RESUME
  /// answers the pause that stood when it was typed, and no later one.
  private let resumeTyped = ManagedAtomic<Int>(0)
  /// The pause the timing thread last asked about, and its number (timing thread only).
  private var currentPause: Instant?
  private var pauseNumber = 0

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
        let awaiting = awaitingResume.load(ordering: .acquiring)
        if word == "RESUME", awaiting != 0 {
          resumeTyped.store(awaiting, ordering: .releasing)
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
      // A new pause, with a number of its own: a RESUME typed for an earlier one is no answer.
      currentPause = pause.began
      pauseNumber += 1
    }
    guard !pause.causes.isDisjoint(with: .endedByResume) else {
      awaitingResume.store(0, ordering: .releasing)
      return .wait
    }
    awaitingResume.store(pauseNumber, ordering: .releasing)
    guard resumeTyped.load(ordering: .acquiring) == pauseNumber else { return .wait }
    awaitingResume.store(0, ordering: .releasing)
    // Used: the same pause, asked again, waits for another RESUME.
    pauseNumber += 1
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
      awaitingResume.store(0, ordering: .releasing)
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
