import Testing
import Units

@testable import Safety

@Suite("Trigger validation")
struct TriggerValidatorTests {
  static let settings = TriggerValidator.Settings(
    minRR: .milliseconds(400), heartRate: 40...150, ectopicFraction: 0.2)

  /// Judges edges at the given instants (ms) and returns the verdicts as short names.
  func verdicts(_ instants: [Int64], validator: inout TriggerValidator) -> [String] {
    instants.map { ms in
      switch validator.judge(Instant(sinceOrigin: .milliseconds(ms))) {
      case .valid: "ok"
      case .skip(let reason): reason.rawValue
      }
    }
  }

  func verdicts(_ instants: [Int64]) -> [String] {
    var validator = TriggerValidator(settings: Self.settings)
    return verdicts(instants, validator: &validator)
  }

  /// Three regular beats to learn the rhythm from, before any is used.
  static let learned: [Int64] = [-4000, -3000, -2000, -1000]

  func verdictsAfterLearning(_ instants: [Int64]) -> [String] {
    var validator = TriggerValidator(settings: Self.settings)
    _ = verdicts(Self.learned, validator: &validator)
    return verdicts(instants, validator: &validator)
  }

  @Test func theFirstTriggersOnlyTeachTheRhythm() {
    #expect(
      verdicts([1000, 2000, 3000, 4000, 5000]) == [
        "no_reference", "no_reference", "no_reference", "no_reference", "ok",
      ])
  }

  @Test func tWaveDoubleTriggerIsSkippedAndTheNextRWaveIsNot() {
    #expect(verdictsAfterLearning([0, 300, 1000, 2000]) == ["ok", "double_trigger", "ok", "ok"])
  }

  @Test func aRhythmFasterThanMinRRNeverPasses() {
    // 250 bpm: every edge 240 ms after the previous one; every other edge is 480 ms after the
    // one before that, which alone would look like 125 bpm.
    let edges = (0..<12).map { Int64($0) * 240 }
    #expect(verdicts(edges).dropFirst().allSatisfy { $0 == "double_trigger" })
  }

  @Test func heartRateOutsideTheRange() {
    // 30 bpm (RR 2000 ms) and 160 bpm (RR 375 ms would be a double trigger; 410 ms is 146 bpm).
    #expect(verdicts([0, 2000, 4000]) == ["no_reference", "heart_rate", "heart_rate"])
    #expect(
      verdicts([0, 410, 820, 1230, 1640, 2050]) == [
        "no_reference", "no_reference", "no_reference", "no_reference", "ok", "ok",
      ])
  }

  @Test func ectopicBeatAndItsCompensatoryPauseAreSkipped() {
    // Regular at 1000 ms, a premature beat 600 ms after the last, then the pause (1400 ms).
    let edges: [Int64] = [0, 600, 2000, 3000]
    #expect(verdictsAfterLearning(edges) == ["ok", "ectopic", "ectopic", "ok"])
  }

  @Test func slowDriftIsFollowed() {
    var instant: Int64 = 0
    var edges: [Int64] = []
    var rr: Int64 = 1000
    for _ in 0..<40 {
      edges.append(instant)
      instant += rr
      rr -= 10  // 60 -> ~90 bpm over 40 beats
    }
    #expect(verdicts(edges).dropFirst(4).allSatisfy { $0 == "ok" })
  }

  @Test func aMissedBeatLosesTheReference() {
    var validator = TriggerValidator(settings: Self.settings)
    _ = verdicts(Self.learned, validator: &validator)
    validator.missedBeat()
    #expect(
      verdicts([5000, 6000], validator: &validator) == ["no_reference", "ok"], "the rhythm learned is kept")
  }

  @Test func medianOfTheRecentIntervals() {
    var validator = TriggerValidator(settings: Self.settings)
    _ = verdicts([0, 900, 1900, 2700], validator: &validator)
    #expect(validator.medianRR() == Nanoseconds.milliseconds(900).value)
  }
}
