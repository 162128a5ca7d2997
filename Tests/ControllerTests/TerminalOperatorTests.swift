import Controller
import Foundation
import Safety
import Sequencer
import Testing
import Units

/// `irectl treat`'s operator: a pause that is the operator's to end ends only when RESUME is
/// typed at the terminal during it.
@Suite("The operator at the terminal")
struct TerminalOperatorTests {
  /// Lines typed at the terminal, and what it answered, one line at a time.
  final class Terminal: @unchecked Sendable {
    private let lock = NSLock()
    private var typed: [String?] = []
    private let lineReady = DispatchSemaphore(value: 0)
    private let answered = DispatchSemaphore(value: 0)
    private(set) var answers: [String] = []

    func nextLine() -> String? {
      lineReady.wait()
      return lock.withLock { typed.removeFirst() }
    }

    func say(_ text: String) {
      lock.withLock { answers.append(text) }
      answered.signal()
    }

    /// Types `line` and waits for the operator's answer to it.
    func type(_ line: String) -> String {
      lock.withLock { typed.append(line) }
      lineReady.signal()
      _ = answered.wait(timeout: .now() + 30)
      return lock.withLock { answers.last ?? "" }
    }

    func close() {
      lock.withLock { typed.append(nil) }
      lineReady.signal()
    }
  }

  func make() -> (TerminalOperator, Terminal) {
    let terminal = Terminal()
    let person = TerminalOperator(
      patience: .seconds(60), nextLine: { terminal.nextLine() }, say: { terminal.say($0) })
    person.start()
    return (person, terminal)
  }

  func pause(_ causes: PauseCauses, began: Double, now: Double) -> PauseSituation {
    PauseSituation(
      causes: causes, began: Instant(sinceOrigin: .seconds(began)), duration: .seconds(now - began),
      now: Instant(sinceOrigin: .seconds(now)))
  }

  @Test func anOperatorPauseWaitsForResumeTypedDuringIt() {
    let (person, terminal) = make()
    defer { terminal.close() }
    for second in 0..<30 {
      #expect(person.paused(pause(.operatorPause, began: 10, now: 10 + Double(second))) == .wait)
    }
    #expect(terminal.type("RESUME").hasPrefix("RESUME taken"))
    #expect(person.paused(pause(.operatorPause, began: 10, now: 41)) == .resume)
    #expect(person.paused(pause(.operatorPause, began: 10, now: 42)) == .wait, "one RESUME, one resume")
  }

  @Test func aTriggerLossDoesNotResumeByItself() {
    let (person, terminal) = make()
    defer { terminal.close() }
    #expect(person.paused(pause(.ecgTrigger, began: 10, now: 50)) == .wait)
    #expect(terminal.type("RESUME").hasPrefix("RESUME taken"))
    #expect(person.paused(pause(.ecgTrigger, began: 10, now: 51)) == .resume)
  }

  @Test func aResumeTypedBeforeThePauseIsNoAnswerToIt() {
    let (person, terminal) = make()
    defer { terminal.close() }
    #expect(terminal.type("RESUME").hasPrefix("nothing to resume"))
    #expect(person.paused(pause(.operatorPause, began: 10, now: 11)) == .wait)
  }

  @Test func aResumeForAnEarlierPauseDoesNotEndTheNextOne() {
    let (person, terminal) = make()
    defer { terminal.close() }
    #expect(person.paused(pause(.operatorPause, began: 10, now: 11)) == .wait)
    _ = terminal.type("RESUME")
    // That pause ended some other way (an abort taken, say); a new one begins.
    #expect(person.paused(pause(.operatorPause, began: 20, now: 21)) == .wait)
  }

  @Test func theFootswitchIsNotTheTerminalsToResume() {
    let (person, terminal) = make()
    defer { terminal.close() }
    #expect(person.paused(pause(.footswitchReleased, began: 10, now: 11)) == .wait)
    #expect(terminal.type("RESUME").hasPrefix("nothing to resume"))
    #expect(person.paused(pause(.footswitchReleased, began: 10, now: 12)) == .wait)
    #expect(terminal.type("GO").contains("ignored"))
  }

  @Test func aPauseBeyondThePatienceAborts() {
    let (person, terminal) = make()
    defer { terminal.close() }
    guard case .abort(let reason) = person.paused(pause(.operatorPause, began: 0, now: 60)) else {
      Issue.record("not aborted")
      return
    }
    #expect(reason.contains("paused by the operator"))
  }

  @Test func everyPauseIsAnnouncedWithWhatEndsIt() {
    let (person, terminal) = make()
    defer { terminal.close() }
    person.treatment(.state(.paused([.operatorPause, .footswitchReleased]), at: Instant(nanoseconds: 0)))
    person.treatment(.state(.paused(.footswitchReleased), at: Instant(nanoseconds: 0)))
    #expect(terminal.answers.count == 2)
    #expect(terminal.answers.first?.contains("Type RESUME") == true)
    #expect(terminal.answers.last?.contains("by itself") == true)
  }
}
