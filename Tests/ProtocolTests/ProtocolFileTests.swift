import Protocol
import Testing
import Units

/// Every rule of PROTOCOL-FORMAT.md, each with the exact line a technician reads.
struct ProtocolFileTests {
  let board: BoardDescription
  init() throws { board = try Fixtures.referenceBoard() }

  func errors(_ changes: [(String, String?)], on board: BoardDescription? = nil) -> [String] {
    ProtocolSample.errors(changes, board: board ?? self.board)
  }

  @Test func formatAndName() {
    #expect(
      errors([("format", "format: 3"), ("name", "name: Liver_1")]) == [
        "p.yaml:1:9: format: unsupported format (allowed: 1, 2; found: 3)",
        "p.yaml:2:7: name: must use only lowercase letters, digits and '-' (allowed: [a-z0-9-]+; found: Liver_1)",
      ])
  }

  @Test func probeCountIdsAndExposure() {
    #expect(
      errors([("- { id: 2", nil), ("- { id: 3", nil)]) == [
        "p.yaml:4:3: probes: 2 to 6 probes are needed (allowed: 2..6 probes; found: 1 probe)"
      ])
    #expect(
      errors([("- { id: 3", "- { id: 2, x_mm: 15, y_mm: 15, exposure_mm: 15 }")]) == [
        "p.yaml:6:5: probes[2]: probe id used twice (first at probes[1]) (found: 2)"
      ])
    #expect(
      errors([("- { id: 1", "- { id: 7, x_mm: 0, y_mm: 0, exposure_mm: 35 }")]) == [
        "p.yaml:4:11: probes[0].id: out of range (allowed: 1..6; found: 7)",
        "p.yaml:4:45: probes[0].exposure_mm: out of range (allowed: 5..30 mm; found: 35)",
      ])
  }

  @Test func pulseWidthFieldAndTrain() {
    #expect(
      errors([("width_us", "width_us: 95")]) == [
        "p.yaml:8:13: pulse.width_us: must be a multiple of 10 (allowed: 20..100 in steps of 10; found: 95)"
      ])
    #expect(
      errors([("width_us", "width_us: 110"), ("field_v_per_cm", "field_v_per_cm: 3500")]) == [
        "p.yaml:8:13: pulse.width_us: out of range (allowed: 20..100 in steps of 10; found: 110)",
        "p.yaml:9:19: pulse.field_v_per_cm: out of range (allowed: 100..3000; found: 3500)",
      ])
    #expect(
      errors([("train", "train: { pulses: 8 }")]) == [
        "p.yaml:10:10: pulse.train.period_us: missing key"
      ])
    #expect(
      errors([("train", "train: { pulses: 1, period_us: 200 }")]) == [
        "p.yaml:10:23: pulse.train.period_us: only when train.pulses > 1"
      ])
    #expect(
      errors([("train", "train: { pulses: 8, period_us: 150 }")]) == [
        "p.yaml:10:34: pulse.train.period_us: out of range (allowed: 200..65535; found: 150)"
      ])
    // The supervisor's train-period register is 16 bits: a longer period is refused here, not
    // found at start-up.
    #expect(
      errors([("train", "train: { pulses: 8, period_us: 65536 }")]) == [
        "p.yaml:10:34: pulse.train.period_us: out of range (allowed: 200..65535; found: 65536)"
      ])
    #expect(errors([("train", "train: { pulses: 2, period_us: 65535 }")]) == ["no error"])
  }

  @Test func ecgTimings() {
    #expect(
      errors([("delay_ms", "delay_ms: 395")]) == [
        "p.yaml:15:14: sync.min_rr_ms: must be longer than delay_ms + window_ms, so a pulse never lands near the next beat (allowed: > 405; found: 400)"
      ])
    #expect(
      errors([("max_rr_ms", "max_rr_ms: 400"), ("pause_after_missed", "pause_after_missed: 0")]) == [
        "p.yaml:16:14: sync.max_rr_ms: must be longer than min_rr_ms (allowed: > 400; found: 400)",
        "p.yaml:17:23: sync.pause_after_missed: out of range (allowed: 1..20; found: 0)",
      ])
    #expect(
      errors([("max_rr_ms", "max_rr_ms: 3500"), ("delay_ms", "delay_ms: 800")]) == [
        "p.yaml:13:13: sync.delay_ms: out of range (allowed: 0..700; found: 800)",
        "p.yaml:16:14: sync.max_rr_ms: out of range (allowed: 1..3000; found: 3500)",
      ])
    #expect(
      errors([("mode", "mode: gated")]) == [
        "p.yaml:12:9: sync.mode: unknown value (allowed: ecg, fixed_rate; found: gated)"
      ])
  }

  @Test func keysOfTheOtherSyncModeAreErrors() {
    #expect(
      errors([("pause_after_missed", "pause_after_missed: 3\nfixed_rate: { rate_hz: 1 }")]) == [
        "p.yaml:18:3: sync.fixed_rate: only with mode: fixed_rate"
      ])
    #expect(
      errors([("mode", "mode: fixed_rate"), ("delay_ms", nil), ("window_ms", nil), ("min_rr_ms", nil)]) == [
        "p.yaml:12:3: sync.fixed_rate: missing key",
        "p.yaml:13:3: sync.max_rr_ms: only with mode: ecg",
        "p.yaml:14:3: sync.pause_after_missed: only with mode: ecg",
      ])
  }

  @Test func fixedRate() throws {
    let changes: [(String, String?)] = [
      ("mode", "mode: fixed_rate\nfixed_rate: { rate_hz: 2 }"), ("delay_ms", nil), ("window_ms", nil),
      ("min_rr_ms", nil), ("max_rr_ms", nil), ("pause_after_missed", nil),
    ]
    let treatment = try ProtocolFile.decode(
      yaml: ProtocolSample.with(changes), file: "p.yaml", board: board)
    #expect(treatment.sync == .fixedRate(Hertz(2)))
    var slowBoard = board
    slowBoard.limits.maxPulseRate = Hertz(1.5)
    #expect(
      errors(changes, on: slowBoard) == [
        "p.yaml:13:26: sync.fixed_rate.rate_hz: above the board's maximum pulse rate (allowed: <= 1.5; found: 2)"
      ])
    var tooFast = changes
    tooFast[0] = ("mode", "mode: fixed_rate\nfixed_rate: { rate_hz: 12 }")
    #expect(
      errors(tooFast) == [
        "p.yaml:13:26: sync.fixed_rate.rate_hz: out of range (allowed: 0.5..10; found: 12)"
      ])
  }

  @Test func testPulsesAndTheirCurrentRange() {
    #expect(
      errors([("pulses: 10", "pulses: 0")]) == [
        "p.yaml:20:3: test.current_a: only when test.pulses > 0"
      ])
    #expect(
      errors([("current_a", nil)]) == [
        "p.yaml:19:3: test.current_a: missing key"
      ])
    #expect(
      errors([("current_a", "current_a: { min: 45, max: 45 }")]) == [
        "p.yaml:20:21: test.current_a.min: must be below test.current_a.max (allowed: < 45; found: 45)"
      ])
    #expect(
      errors([("max_current_a", "max_current_a: 40")]) == [
        "p.yaml:20:29: test.current_a.max: must not exceed limits.max_current_a (allowed: <= 40; found: 45)"
      ])
    #expect(
      errors([("pulses: 10", "pulses: 21")]) == [
        "p.yaml:19:11: test.pulses: out of range (allowed: 0..20; found: 21)"
      ])
  }

  @Test func therapy() {
    #expect(
      errors([("set_size", "set_size: 100"), ("polarity", "polarity: reversed")]) == [
        "p.yaml:23:13: therapy.set_size: out of range (allowed: 1..90; found: 100)",
        "p.yaml:24:13: therapy.polarity: unknown value (allowed: fixed, alternate_per_set; found: reversed)",
      ])
    #expect(
      errors([("pulses: 90", "pulses: 201")]) == [
        "p.yaml:22:11: therapy.pulses: out of range (allowed: 1..200; found: 201)"
      ])
  }

  @Test func currentLimits() {
    #expect(
      errors([("max_current_a", "max_current_a: 60"), ("max_current_jump_a", "max_current_jump_a: 0")]) == [
        "p.yaml:26:18: limits.max_current_a: out of range (allowed: > 0 and <= 50; found: 60)",
        "p.yaml:27:23: limits.max_current_jump_a: out of range (allowed: > 0 and <= 50; found: 0)",
      ])
    #expect(
      errors([("min_current_a", "min_current_a: 50")]) == [
        "p.yaml:28:18: limits.min_current_a: must be below limits.max_current_a (allowed: < 50; found: 50)"
      ])
  }
}
