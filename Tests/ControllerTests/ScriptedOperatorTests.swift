import Controller
import Foundation
import Safety
import Sequencer
import Testing
import Units

/// The simulated operator: what it is told to do counts only for the pause or the fault that
/// stands at that moment.
@Suite("The scripted operator")
struct ScriptedOperatorTests {
  func t(_ seconds: Double) -> Instant { Instant(sinceOrigin: .seconds(seconds)) }

  func pause(_ causes: PauseCauses, began: Double, now: Double) -> PauseSituation {
    PauseSituation(causes: causes, began: t(began), duration: .seconds(now - began), now: t(now))
  }

  @Test func aResumeToldForTheMomentOfThePauseEndsIt() {
    let person = ScriptedOperator(resumeAfterTriggerLoss: nil, resumeAfterOperatorPause: nil)
    person.resume(at: t(12))
    #expect(person.paused(pause(.operatorPause, began: 10, now: 11)) == .wait)
    #expect(person.paused(pause(.operatorPause, began: 10, now: 12.5)) == .resume)
  }

  @Test func aResumeBeforeThePauseBeganIsNoAnswerToIt() {
    let person = ScriptedOperator(resumeAfterTriggerLoss: nil, resumeAfterOperatorPause: nil)
    person.resume(at: t(5))
    #expect(person.paused(pause(.operatorPause, began: 10, now: 30)) == .wait)
  }

  @Test func aResumeIsNoAnswerToAPauseOnlyTheInputsEnd() {
    let person = ScriptedOperator()
    person.resume(at: t(11))
    #expect(person.paused(pause(.footswitchReleased, began: 10, now: 20)) == .wait)
  }

  @Test func anAcknowledgementToldForLaterIsWaitedForWithinThePatience() {
    let person = ScriptedOperator(patience: .seconds(10))
    person.acknowledge(at: t(15))
    #expect(person.recover(from: Fault(.estop), latchedAt: t(10), now: t(12)) == .wait)
    #expect(person.recover(from: Fault(.estop), latchedAt: t(10), now: t(15)) == .acknowledge)
    #expect(person.recover(from: Fault(.lid), latchedAt: t(20), now: t(20)) == .end, "used once")
  }

  @Test func withoutBeingToldItNeverAcknowledges() {
    #expect(ScriptedOperator().recover(from: Fault(.estop), latchedAt: t(1), now: t(1)) == .end)
  }
}

extension ScriptedOperatorTests {
  /// The operator's pause joins a footswitch pause that began earlier: its 3 s are its own.
  @Test func anOperatorPauseIsWaitedOutFromWhenItWasAsked() {
    let person = ScriptedOperator()
    #expect(person.paused(pause(.footswitchReleased, began: 1, now: 4)) == .wait)
    #expect(person.paused(pause([.footswitchReleased, .operatorPause], began: 1, now: 4.9)) == .wait)
    #expect(person.paused(pause(.operatorPause, began: 1, now: 5)) == .wait, "asked 0.1 s ago")
    #expect(person.paused(pause(.operatorPause, began: 1, now: 7.9)) == .resume)
  }

  /// A resume told while only the footswitch held delivery is no answer to an operator pause
  /// that joins later.
  @Test func aResumeIsNoAnswerToACauseThatJoinedLater() {
    let person = ScriptedOperator(resumeAfterTriggerLoss: nil, resumeAfterOperatorPause: nil)
    person.resume(at: t(2))
    #expect(person.paused(pause(.footswitchReleased, began: 1, now: 2.5)) == .wait)
    #expect(person.paused(pause([.footswitchReleased, .operatorPause], began: 1, now: 3)) == .wait)
    #expect(person.paused(pause(.operatorPause, began: 1, now: 4)) == .wait)
  }
}

extension ScriptedOperatorTests {
  /// Each pause is waited out anew: after the operator's first pause was resumed, a second one
  /// a minute later gets its own three seconds, not a resume at once; likewise a trigger loss.
  @Test func aLaterPauseIsWaitedOutAnew() {
    let person = ScriptedOperator()
    #expect(person.paused(pause(.operatorPause, began: 10, now: 10)) == .wait)
    #expect(person.paused(pause(.operatorPause, began: 10, now: 13)) == .resume)
    #expect(person.paused(pause(.operatorPause, began: 70, now: 70)) == .wait, "asked just now")
    #expect(person.paused(pause(.operatorPause, began: 70, now: 72.9)) == .wait)
    #expect(person.paused(pause(.operatorPause, began: 70, now: 73)) == .resume)

    #expect(person.paused(pause(.ecgTrigger, began: 100, now: 100)) == .wait)
    #expect(person.paused(pause(.ecgTrigger, began: 100, now: 105)) == .resume)
    #expect(person.paused(pause(.ecgTrigger, began: 106, now: 106)) == .wait, "the heart still gone")
    #expect(person.paused(pause(.ecgTrigger, began: 106, now: 111)) == .resume)
  }
}
