import Testing
import Units

@testable import Safety

@Suite("Judging a pulse's measurement")
struct MeasurementJudgementTests {
  func judge(_ m: PulseMeasurement) -> Fault? { SafetyMachine.judge(m, limits: Fixtures.limits) }

  @Test func withinEveryLimitIsNoFault() {
    #expect(judge(Fixtures.measurement()) == nil)
  }

  @Test func hardwareFaultComesFirst() {
    #expect(
      judge(Fixtures.measurement(current: 80, counted: 2, hardwareFault: true)) == Fault(.hardwareFault))
  }

  @Test func counterMustRiseByExactlyTheTrain() {
    #expect(judge(Fixtures.measurement(counted: 2)) == Fault(.pulseCounter, measured: 2, limit: 1))
    #expect(judge(Fixtures.measurement(counted: 0)) == Fault(.pulseCounter, measured: 0, limit: 1))
  }

  @Test func overCurrent() {
    #expect(
      judge(Fixtures.measurement(current: 50.5, previous: 48))
        == Fault(.overCurrent, measured: 50.5, limit: 50))
  }

  @Test func currentJumpUpIsAnArcAFallIsNot() {
    #expect(judge(Fixtures.measurement(current: 33, previous: 24))?.interlock == .currentJump)
    #expect(judge(Fixtures.measurement(current: 15, previous: 24)) == nil, "a fall is judged by min current")
    #expect(judge(Fixtures.measurement(current: 1, previous: 24))?.interlock == .lowCurrent)
    #expect(judge(Fixtures.measurement(current: 32, previous: 24)) == nil, "8 A exactly is allowed")
  }

  @Test func voltageCollapse() {
    #expect(
      judge(Fixtures.measurement(voltage: 1700)) == Fault(.voltageCollapse, measured: 1700, limit: 1800))
  }

  @Test func testPulseOutsideItsRangeStopsThePair() {
    let low = judge(Fixtures.measurement(kind: .test, current: 4, previous: nil))
    #expect(low == Fault(.testPulseCurrent, measured: 4, limit: 5))
    #expect(low?.interlock.reaction == .stopPair)
    #expect(
      judge(Fixtures.measurement(kind: .test, current: 46, previous: 45))
        == Fault(.testPulseCurrent, measured: 46, limit: 45))
    #expect(
      judge(Fixtures.measurement(kind: .therapy, current: 46, previous: 45)) == nil,
      "the range is for test pulses")
  }

  @Test func lowCurrent() {
    #expect(
      judge(Fixtures.measurement(current: 1.5, previous: nil)) == Fault(.lowCurrent, measured: 1.5, limit: 2))
  }

  @Test func reasonTextIsFixedWithNumbersBeside() {
    #expect(
      Fault(.overCurrent, measured: 52.5, limit: 50).reason
        == "peak current above the limit (measured 52.5, limit 50)")
    #expect(Fault(.estop).reason == "emergency stop pressed")
  }
}
