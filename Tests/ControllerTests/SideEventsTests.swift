import Sequencer
import Testing
import Units

@testable import Controller

/// Console events on their way to the record: each kind (refused lines, pauses and aborts
/// taken or not) kept one by one up to five in its own counting second, and counted past it.
@Suite struct SideEventsTests {
  /// The events on a clock the test sets by hand: each call says at which millisecond.
  final class Console: @unchecked Sendable {
    private var now = Instant(nanoseconds: 0)
    private(set) lazy var side = SideEvents(now: { [unowned self] in now })

    func refusal(_ command: String, detail: String = "d", at milliseconds: Int) {
      now = SideEventsTests.at(milliseconds)
      side.addRefusal(command: command, detail: detail)
    }

    func command(_ command: String, accepted: Bool = true, detail: String, at milliseconds: Int) {
      now = SideEventsTests.at(milliseconds)
      side.addCommand(command, accepted: accepted, detail: detail)
    }

    func take(at milliseconds: Int) -> [TreatmentEvent] {
      now = SideEventsTests.at(milliseconds)
      return side.take()
    }

    func takeAll(at milliseconds: Int) -> [TreatmentEvent] {
      now = SideEventsTests.at(milliseconds)
      return side.takeAll()
    }
  }

  static func at(_ milliseconds: Int) -> Instant { Instant(nanoseconds: Int64(milliseconds) * 1_000_000) }

  static func refusals(_ events: [TreatmentEvent]) -> [(command: String, detail: String, at: Instant)] {
    events.compactMap {
      guard case .console(let command, false, let detail, let at) = $0 else { return nil }
      return (command, detail, at)
    }
  }

  @Test func aFloodOfRefusalsIsRecordedAsFiveAndACount() {
    let console = Console()
    for index in 0..<1000 { console.refusal("x\(index)", detail: "not a JSON object", at: index) }
    // Within the second: five one by one, nothing about the rest yet.
    let early = Self.refusals(console.take(at: 999))
    #expect(early.map(\.command) == ["x0", "x1", "x2", "x3", "x4"])
    // The second is over: one event counts the 995 others, at the second's end.
    let count = Self.refusals(console.take(at: 1500))
    #expect(count.count == 1)
    #expect(count.first?.command == "refused lines")
    #expect(count.first?.detail.hasPrefix("995 more since the last one recorded") == true)
    #expect(count.first?.at == Self.at(1000))
    #expect(console.take(at: 1500).isEmpty)
  }

  @Test func eachKindHasItsOwnSecond() {
    let console = Console()
    for index in 0..<20 { console.refusal("junk", detail: "no command", at: index) }
    for index in 0..<20 { console.command("pause", detail: "pause asked by a console", at: 20 + index) }
    for index in 0..<3 {
      console.command("pause", accepted: false, detail: "the command ring is full", at: 40 + index)
    }
    console.command("abort", detail: "bleeding", at: 50)
    let events = console.take(at: 1100).compactMap { event -> String? in
      guard case .console(let command, let accepted, let detail, _) = event else { return nil }
      return "\(command) \(accepted) \(detail.prefix(6))"
    }
    // Five of each kind one by one, the abort among them, and a count for each kind past five.
    #expect(events.filter { $0.hasPrefix("junk") }.count == 5)
    #expect(events.filter { $0 == "pause true pause " }.count == 5)
    #expect(events.filter { $0 == "pause false the co" }.count == 3)
    #expect(events.contains("abort true bleedi"))
    #expect(events.contains("refused lines false 15 mor"))
    #expect(events.contains("pauses taken true 15 mor"))
    #expect(events.count == 5 + 5 + 3 + 1 + 2)
  }

  @Test func aKindsSecondStartsAtItsOwnFirstEvent() {
    let console = Console()
    for index in 0..<10 { console.refusal("r\(index)", at: index) }
    for index in 0..<10 { console.command("abort", detail: "a\(index)", at: 600 + index) }
    // At 1.1 s only the refusals' second is over: its count, at its end; the aborts' goes on.
    let first = Self.refusals(console.take(at: 1100))
    #expect(first.filter { $0.command == "refused lines" }.map(\.at) == [Self.at(1000)])
    #expect(first.filter { $0.command.hasPrefix("r") }.count == 5 + 1)
    // A refusal at 1.65 s opens a new second for refusals and closes the aborts' (past 1.6 s).
    console.refusal("late", at: 1650)
    let second = console.take(at: 1660).compactMap { event -> String? in
      guard case .console(let command, let accepted, let detail, let at) = event else { return nil }
      return "\(command) \(accepted) \(detail.prefix(2)) \(at == Self.at(1600))"
    }
    #expect(second == ["aborts taken true 5  true", "late false d false"])
  }

  @Test func theSixthAbortOfASecondIsCounted() {
    let console = Console()
    for index in 0..<6 { console.command("abort", detail: "a\(index)", at: index) }
    let events = console.take(at: 1000).compactMap { event -> String? in
      guard case .console(let command, true, let detail, _) = event else { return nil }
      return "\(command): \(detail.prefix(6))"
    }
    #expect(
      events == ["abort: a0", "abort: a1", "abort: a2", "abort: a3", "abort: a4", "aborts taken: 1 more"])
  }

  @Test func aNewSecondRecordsFiveAgainAndTheEndCountsWhatIsLeft() {
    let console = Console()
    for index in 0..<8 { console.refusal("a\(index)", at: index) }
    // The next refusal, 1.2 s later, closes the first second (3 not recorded) and opens another.
    for index in 0..<7 { console.refusal("b\(index)", at: 1200 + index) }
    let events = Self.refusals(console.take(at: 1300))
    #expect(
      events.map(\.command) == ["a0", "a1", "a2", "a3", "a4", "refused lines", "b0", "b1", "b2", "b3", "b4"])
    #expect(events[5].detail.hasPrefix("3 more"))
    // The treatment ends within that second: its count is not left behind.
    let last = Self.refusals(console.takeAll(at: 1400))
    #expect(last.count == 1)
    #expect(last.first?.detail.hasPrefix("2 more") == true)
    #expect(last.first?.at == Self.at(1400))
  }

  @Test func aQuietSecondLeavesNoCount() {
    let console = Console()
    for index in 0..<5 { console.refusal("c\(index)", at: index) }
    #expect(Self.refusals(console.take(at: 5000)).count == 5)
    #expect(console.takeAll(at: 5000).isEmpty)
  }
}
