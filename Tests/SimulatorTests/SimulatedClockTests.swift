import HAL
import Simulator
import Testing
import Units

@Suite struct SimulatedClockTests {
  let clock = SimulatedClock()

  @Test func scheduledActionsRunInTimeThenInsertionOrder() {
    var order: [String] = []
    clock.schedule(at: Instant(nanoseconds: 300)) { order.append("c") }
    clock.schedule(at: Instant(nanoseconds: 100)) { order.append("a") }
    clock.schedule(at: Instant(nanoseconds: 200)) { order.append("b1") }
    clock.schedule(at: Instant(nanoseconds: 200)) { order.append("b2") }
    clock.advance(to: Instant(nanoseconds: 250))
    #expect(order == ["a", "b1", "b2"])
    clock.advance(to: Instant(nanoseconds: 1_000))
    #expect(order == ["a", "b1", "b2", "c"])
  }

  @Test func actionsSeeTheirOwnInstant() {
    var seen: [Instant] = []
    clock.schedule(at: Instant(nanoseconds: 500)) { seen.append(clock.now) }
    clock.advance(to: Instant(nanoseconds: 2_000))
    #expect(seen == [Instant(nanoseconds: 500)])
    #expect(clock.now == Instant(nanoseconds: 2_000))
  }

  @Test func neverMovesBackwards() {
    clock.advance(to: Instant(nanoseconds: 5_000))
    clock.advance(to: Instant(nanoseconds: 1_000))
    #expect(clock.now == Instant(nanoseconds: 5_000))
    clock.sleep(until: Instant(nanoseconds: 4_000))
    #expect(clock.now == Instant(nanoseconds: 5_000))
  }

  @Test func actionScheduledInThePastRunsOnTheNextAdvance() {
    clock.advance(to: Instant(nanoseconds: 5_000))
    var ranAt: Instant?
    clock.schedule(at: Instant(nanoseconds: 1_000)) { ranAt = clock.now }
    #expect(ranAt == nil)
    clock.advance(to: clock.now)
    #expect(ranAt == Instant(nanoseconds: 5_000))
  }

  @Test func sleepForAdvancesByTheSpan() {
    clock.sleep(for: .microseconds(1_200))
    #expect(clock.now == Instant(nanoseconds: 1_200_000))
  }
}
