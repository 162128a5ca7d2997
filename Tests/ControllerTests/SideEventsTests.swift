import Sequencer
import Testing
import Units

@testable import Controller

/// Console events on their way to the record: each kind (refused lines, pauses and aborts
/// taken or not) kept one by one up to five in its own counting second, and counted past it.
@Suite struct SideEventsTests {
  /// A clock the test sets by hand.
  final class Hand: @unchecked Sendable {
    var now = Instant(nanoseconds: 0)
  }

  static func at(_ milliseconds: Int) -> Instant { Instant(nanoseconds: Int64(milliseconds) * 1_000_000) }

  static func refusals(_ events: [TreatmentEvent]) -> [(command: String, detail: String, at: Instant)] {
    events.compactMap {
      guard case .console(let command, false, let detail, let at) = $0 else { return nil }
      return (command, detail, at)
    }
  }

  @Test func aFloodOfRefusalsIsRecordedAsFiveAndACount() {
    let hand = Hand()
    let side = SideEvents(now: { hand.now })
    for index in 0..<1000 {
      side.addRefusal(command: "x\(index)", detail: "not a JSON object", at: Self.at(index))
    }
    // Within the second: five one by one, nothing about the rest yet.
    hand.now = Self.at(999)
    let early = Self.refusals(side.take())
    #expect(early.map(\.command) == ["x0", "x1", "x2", "x3", "x4"])
    // The second is over: one event counts the 995 others, at the second's end.
    hand.now = Self.at(1500)
    let count = Self.refusals(side.take())
    #expect(count.count == 1)
    #expect(count.first?.command == "refused lines")
    #expect(count.first?.detail.hasPrefix("995 more since the last one recorded") == true)
    #expect(count.first?.at == Self.at(1000))
    #expect(side.take().isEmpty)
  }

  @Test func eachKindHasItsOwnSecond() {
    let hand = Hand()
    let side = SideEvents(now: { hand.now })
    for index in 0..<20 { side.addRefusal(command: "junk", detail: "no command", at: Self.at(index)) }
    for index in 0..<20 {
      side.addCommand("pause", accepted: true, detail: "pause asked by a console", at: Self.at(20 + index))
    }
    for index in 0..<3 {
      side.addCommand("pause", accepted: false, detail: "the command ring is full", at: Self.at(40 + index))
    }
    side.addCommand("abort", accepted: true, detail: "bleeding", at: Self.at(50))
    hand.now = Self.at(1100)
    let events = side.take().compactMap { event -> String? in
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
    let hand = Hand()
    let side = SideEvents(now: { hand.now })
    for index in 0..<10 { side.addRefusal(command: "r\(index)", detail: "d", at: Self.at(index)) }
    for index in 0..<10 {
      side.addCommand("abort", accepted: true, detail: "a\(index)", at: Self.at(600 + index))
    }
    // At 1.1 s only the refusals' second is over: its count, at its end; the aborts' goes on.
    hand.now = Self.at(1100)
    let first = Self.refusals(side.take())
    #expect(first.filter { $0.command == "refused lines" }.map(\.at) == [Self.at(1000)])
    #expect(first.filter { $0.command.hasPrefix("r") }.count == 5 + 1)
    // A refusal at 1.65 s opens a new second for refusals and closes the aborts' (past 1.6 s).
    side.addRefusal(command: "late", detail: "d", at: Self.at(1650))
    hand.now = Self.at(1660)
    let second = side.take().compactMap { event -> String? in
      guard case .console(let command, let accepted, let detail, let at) = event else { return nil }
      return "\(command) \(accepted) \(detail.prefix(2)) \(at == Self.at(1600))"
    }
    #expect(second == ["aborts taken true 5  true", "late false d false"])
  }

  @Test func theSixthAbortOfASecondIsCounted() {
    let hand = Hand()
    let side = SideEvents(now: { hand.now })
    for index in 0..<6 { side.addCommand("abort", accepted: true, detail: "a\(index)", at: Self.at(index)) }
    hand.now = Self.at(1000)
    let events = side.take().compactMap { event -> String? in
      guard case .console(let command, true, let detail, _) = event else { return nil }
      return "\(command): \(detail.prefix(6))"
    }
    #expect(
      events == ["abort: a0", "abort: a1", "abort: a2", "abort: a3", "abort: a4", "aborts taken: 1 more"])
  }

  @Test func aNewSecondRecordsFiveAgainAndTheEndCountsWhatIsLeft() {
    let hand = Hand()
    let side = SideEvents(now: { hand.now })
    for index in 0..<8 { side.addRefusal(command: "a\(index)", detail: "d", at: Self.at(index)) }
    // The next refusal, 1.2 s later, closes the first second (3 not recorded) and opens another.
    for index in 0..<7 { side.addRefusal(command: "b\(index)", detail: "d", at: Self.at(1200 + index)) }
    hand.now = Self.at(1300)
    let events = Self.refusals(side.take())
    #expect(
      events.map(\.command) == ["a0", "a1", "a2", "a3", "a4", "refused lines", "b0", "b1", "b2", "b3", "b4"])
    #expect(events[5].detail.hasPrefix("3 more"))
    // The treatment ends within that second: its count is not left behind.
    hand.now = Self.at(1400)
    let last = Self.refusals(side.takeAll())
    #expect(last.count == 1)
    #expect(last.first?.detail.hasPrefix("2 more") == true)
    #expect(last.first?.at == Self.at(1400))
  }

  @Test func aQuietSecondLeavesNoCount() {
    let hand = Hand()
    let side = SideEvents(now: { hand.now })
    for index in 0..<5 { side.addRefusal(command: "c\(index)", detail: "d", at: Self.at(index)) }
    hand.now = Self.at(5000)
    #expect(Self.refusals(side.take()).count == 5)
    #expect(side.takeAll().isEmpty)
  }
}
