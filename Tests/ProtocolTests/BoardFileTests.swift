import HAL
import Protocol
import Testing
import Units

/// Board files: lines, I2C, limits, interlocks, the simulator section and base files.
struct BoardFileTests {
  func errors(_ changes: [(String, String?)]) -> [String] { BoardSample.errors(changes) }

  @Test func theSampleDecodes() throws {
    let board = try BoardFile.decode(yaml: BoardSample.text, file: "b.yaml", baseDirectory: nil)
    #expect(board.i2c.supervisor == 0x30)
    #expect(board.i2c.relaysMinus == 0x21)
    #expect(board.gpio.lines.count == LineRole.allCases.count)
    #expect(board.gpio.lines[.footswitchA]?.locator == .chip("gpiochip0", offset: 5))
    #expect(
      board.gpio.lines[.hwFault] == LineSpec(locator: .name("HW_FAULT"), activeLow: true, bias: .pullUp))
    #expect(
      board.gpio.lines[.hvEnable] == LineSpec(locator: .name("HV_ENABLE"), activeLow: false, bias: .asIs))
    #expect(board.limits.maxPulseRate == Hertz(10))
    #expect(board.interlocks.relaySettle == Milliseconds(10))
    #expect(board.simulator == nil)
  }

  /// `test_fixture: true` marks a Linux board that drives no generator (the kernel-test VM's);
  /// it is false unless written, must be a boolean, and means nothing on a simulator board.
  @Test func aTestFixtureSaysSoItself() throws {
    #expect(
      try BoardFile.decode(yaml: BoardSample.text, file: "b.yaml", baseDirectory: nil).testFixture == false)
    let fixture = try BoardFile.decode(
      yaml: Fixtures.edited(BoardSample.text, [("backend", "backend: linux\ntest_fixture: true")]),
      file: "b.yaml",
      baseDirectory: nil)
    #expect(fixture.testFixture)
    #expect(
      errors([("backend", "backend: linux\ntest_fixture: yes")]) == [
        "b.yaml:4:15: test_fixture: must be true or false (allowed: true, false; found: yes)"
      ])
  }

  @Test func missingAndUnknownRoles() {
    #expect(
      errors([("beeper", nil), ("hv_ready", nil)]) == [
        "b.yaml:7:5: gpio.lines: every role needs a line; missing: beeper, hv_ready"
      ])
    #expect(
      errors([("beeper", "buzzer: { name: BEEPER }")]) == [
        "b.yaml:7:5: gpio.lines: every role needs a line; missing: beeper",
        "b.yaml:11:5: gpio.lines.buzzer: unknown key (allowed: hv_enable, bleed_release, pulse_fire, watchdog_kick, beeper, estop_ok, footswitch_a, footswitch_b, lid_closed, ecg_trigger, hv_ready, hw_fault; found: buzzer)",
      ])
  }

  @Test func twoRolesOnOneLine() {
    #expect(
      errors([
        ("beeper", "beeper: { name: PULSE_FIRE }"),
        ("footswitch_b", "footswitch_b: { chip: gpiochip0, offset: 5 }"),
      ]) == [
        "b.yaml:11:13: gpio.lines.beeper: the same line as pulse_fire (found: \"PULSE_FIRE\")",
        "b.yaml:14:19: gpio.lines.footswitch_b: the same line as footswitch_a (found: gpiochip0 offset 5)",
      ])
  }

  @Test func lineSpecs() {
    #expect(
      errors([("beeper", "beeper: { name: BEEPER, chip: gpiochip0 }")]) == [
        "b.yaml:11:29: gpio.lines.beeper.chip: give either name or chip + offset, not both"
      ])
    #expect(
      errors([("footswitch_a", "footswitch_a: { chip: gpiochip0, offset: -1, bias: up }")]) == [
        "b.yaml:13:46: gpio.lines.footswitch_a.offset: out of range (allowed: >= 0; found: -1)",
        "b.yaml:13:56: gpio.lines.footswitch_a.bias: unknown value (allowed: as_is, disabled, pull_up, pull_down; found: up)",
      ])
    #expect(
      errors([("footswitch_a", "footswitch_a: { chip: gpiochip0, active_low: yes }")]) == [
        "b.yaml:13:19: gpio.lines.footswitch_a.offset: missing key",
        "b.yaml:13:50: gpio.lines.footswitch_a.active_low: must be true or false (allowed: true, false; found: yes)",
      ])
    #expect(
      errors([("beeper", "beeper: { bias: pull_up }")]) == [
        "b.yaml:11:13: gpio.lines.beeper: missing key: give name, or chip and offset (allowed: name | chip + offset)"
      ])
  }

  @Test func i2cAddresses() {
    #expect(
      errors([("adc", "adc: 0x30"), ("temperature", "temperature: 0x78")]) == [
        "b.yaml:22:8: i2c.adc: the same address as i2c.supervisor (found: 0x30)",
        "b.yaml:23:16: i2c.temperature: not a usable 7-bit I2C address (allowed: 0x03..0x77; found: 0x78)",
      ])
  }

  @Test func limitsAndInterlocks() {
    #expect(
      errors([("max_voltage_v", "max_voltage_v: 5000"), ("max_pulse_rate_hz", "max_pulse_rate_hz: 0")]) == [
        "b.yaml:27:18: limits.max_voltage_v: out of range (allowed: 100..3000; found: 5000)",
        "b.yaml:29:22: limits.max_pulse_rate_hz: out of range (allowed: 0.1..10; found: 0)",
      ])
    #expect(
      errors([
        ("temperature_fault_c", "temperature_fault_c: 60"),
        ("bank_voltage_tolerance", "bank_voltage_tolerance: 0.5"),
      ]) == [
        "b.yaml:34:27: interlocks.bank_voltage_tolerance: out of range (allowed: 0.005..0.2; found: 0.5)",
        "b.yaml:41:24: interlocks.temperature_fault_c: must be above temperature_pause_c (allowed: > 60; found: 60)",
      ])
  }

  @Test func theTemperatureResumeThresholdIsOptionalAndBelowThePauseOne() throws {
    let board = try BoardFile.decode(yaml: BoardSample.text, file: "b.yaml", baseDirectory: nil)
    #expect(board.interlocks.temperatureResume == Celsius(55), "5 °C under the pause threshold")
    let given = try BoardFile.decode(
      yaml: Fixtures.edited(
        BoardSample.text, [("temperature_fault_c", "temperature_fault_c: 75\ntemperature_resume_c: 50")]),
      file: "b.yaml", baseDirectory: nil)
    #expect(given.interlocks.temperatureResume == Celsius(50))
    #expect(
      errors([("temperature_fault_c", "temperature_fault_c: 75\ntemperature_resume_c: 60")]) == [
        "b.yaml:42:25: interlocks.temperature_resume_c: must be below temperature_pause_c (allowed: < 60; found: 60)"
      ])
  }

  /// The ADS1115 reads ±4.096 V: through the divider it must cover the highest bank the
  /// controller may meet (the board's maximum plus the tolerance) with 10 % to spare, or a bank
  /// above its set-point would clip instead of faulting as a voltage.
  @Test func theBankDividerMustKeepTheBankInsideTheADCsFullScale() {
    #expect(
      errors([("bank_divider", "bank_divider: 800")]) == [
        "b.yaml:33:17: interlocks.bank_divider: the ADC's 4.096 V full scale times bank_divider must cover"
          + " limits.max_voltage_v (3000 V) times 1 + interlocks.bank_voltage_tolerance (0.05) with 10 % to"
          + " spare, or a bank reading clips (allowed: >= 846; found: 800)"
      ])
    #expect(
      errors([
        ("bank_divider", "bank_divider: 966"), ("bank_voltage_tolerance", "bank_voltage_tolerance: 0.2"),
      ])
        == [
          "b.yaml:33:17: interlocks.bank_divider: the ADC's 4.096 V full scale times bank_divider must cover"
            + " limits.max_voltage_v (3000 V) times 1 + interlocks.bank_voltage_tolerance (0.2) with 10 % to"
            + " spare, or a bank reading clips (allowed: >= 966.8; found: 966)"
        ])
    #expect(errors([("bank_divider", "bank_divider: 846")]) == ["no error"])
    #expect(
      errors([("bank_divider", "bank_divider: 800"), ("max_voltage_v", "max_voltage_v: 2000")]) == [
        "no error"
      ],
      "a lower maximum needs less")
  }

  @Test func simulatorSectionOnlyWithTheSimulatorBackend() {
    #expect(
      BoardSample.errors([], text: BoardSample.text + BoardSample.simulator) == [
        "b.yaml:49:1: simulator: only with backend: simulator"
      ])
    #expect(
      errors([("backend", "backend: simulator")]) == [
        "b.yaml:1:1: simulator: missing key"
      ])
  }

  @Test func simulatorKeysAreAllRequired() throws {
    let text = BoardSample.text + BoardSample.simulator
    let board = try BoardFile.decode(
      yaml: Fixtures.edited(text, [("backend", "backend: simulator")]), file: "b.yaml", baseDirectory: nil)
    #expect(board.simulator?.heart.rateBPM == 60)
    #expect(board.simulator?.relays == RelaySettings(settleMin: Milliseconds(3), settleMax: Milliseconds(8)))
    #expect(
      BoardSample.errors(
        [
          ("backend", "backend: simulator"), ("noise", nil),
          ("relays: {", "relays: { settle_min_ms: 3, settle_max_ms: 12 }"),
          (
            "heart: {",
            "heart: { rate_bpm: 300, variability: 0.03, trigger_latency_ms: 2, trigger_pulse_ms: 100 }"
          ),
        ],
        text: text) == [
          "b.yaml:50:22: simulator.heart.rate_bpm: out of range (allowed: 20..250; found: 300)",
          "b.yaml:52:5: simulator.tissue.noise: missing key",
          "b.yaml:62:46: simulator.relays.settle_max_ms: out of range (allowed: 0..10; found: 12)",
        ])
  }
}

/// `timing.supervisor_latency_us`: optional, the reference supervisor's 200 µs by default.
struct SupervisorLatencyTests {
  func decode(_ extra: String) throws -> BoardDescription {
    let text = BoardSample.text.replacingOccurrences(
      of: "  require_realtime: true\n", with: "  require_realtime: true\n" + extra)
    #expect(text != BoardSample.text || extra.isEmpty)
    return try BoardFile.decode(yaml: text, file: "b.yaml", baseDirectory: nil)
  }

  @Test func defaultsToTheReferenceSupervisor() throws {
    #expect(try decode("").timing.supervisorLatency == Microseconds(200))
  }

  @Test func aSlowerSupervisorIsABoardSetting() throws {
    #expect(try decode("  supervisor_latency_us: 20000\n").timing.supervisorLatency == Microseconds(20_000))
  }

  @Test func outOfRangeIsAnError() {
    #expect(throws: ConfigurationErrors.self) { try decode("  supervisor_latency_us: 5\n") }
    #expect(throws: ConfigurationErrors.self) { try decode("  supervisor_latency_us: \"200\"\n") }
  }

  @Test func theLatencyMustEndBeforeTheNextFireEdge() {
    // The sample board allows 10 fire edges a second: 100 ms apart.
    do {
      _ = try decode("  supervisor_latency_us: 100000\n")
      Issue.record("a latency as long as the fire interval was accepted")
    } catch {
      #expect(
        String(describing: error).contains(
          "timing.supervisor_latency_us: must be shorter than the shortest interval between fire edges"
            + " (1 / max_pulse_rate_hz = 100000 µs) (allowed: 10..99999; found: 100000)"))
    }
    #expect((try? decode("  supervisor_latency_us: 99999\n")) != nil)
  }
}

/// `timing.fire_check_lead_us`: optional, 5 ms by default; a board whose bus takes longer for
/// the fire check (the kernel-test VM's, under emulation) says so.
struct FireCheckLeadTests {
  func decode(_ extra: String) throws -> BoardDescription {
    try SupervisorLatencyTests().decode(extra)
  }

  @Test func defaultsToFiveMilliseconds() throws {
    #expect(try decode("").timing.fireCheckLead == Microseconds(5_000))
    #expect(try decode("  fire_check_lead_us: 20000\n").timing.fireCheckLead == Microseconds(20_000))
  }

  @Test func outOfRangeIsAnError() {
    #expect(throws: ConfigurationErrors.self) { try decode("  fire_check_lead_us: 1000\n") }
    #expect(throws: ConfigurationErrors.self) { try decode("  fire_check_lead_us: 50000\n") }
  }
}

/// `timing.cpu`: optional; the CPU the timing thread is pinned to.
struct TimingCPUTests {
  func decode(_ extra: String) throws -> BoardDescription {
    try SupervisorLatencyTests().decode(extra)
  }

  @Test func absentLeavesTheSchedulerToChoose() throws {
    #expect(try decode("").timing.cpu == nil)
    #expect(try decode("  cpu: 1\n").timing.cpu == 1)
  }

  @Test func aNegativeOrNonNumericCPUIsAnError() {
    #expect(throws: ConfigurationErrors.self) { try decode("  cpu: -1\n") }
    #expect(throws: ConfigurationErrors.self) { try decode("  cpu: first\n") }
  }
}
