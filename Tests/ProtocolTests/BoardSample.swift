import Foundation
import Protocol

/// The reference board without comments, one value per line, for tests that change one line.
enum BoardSample {
  static let text = """
    format: 1
    name: test-board
    backend: linux
    gpio:
      consumer: irectl
      lines:
        hv_enable: { name: HV_ENABLE }
        bleed_release: { name: BLEED_RELEASE }
        pulse_fire: { name: PULSE_FIRE }
        watchdog_kick: { name: WATCHDOG_KICK }
        beeper: { name: BEEPER }
        estop_ok: { name: ESTOP_OK, bias: pull_down }
        footswitch_a: { chip: gpiochip0, offset: 5 }
        footswitch_b: { chip: gpiochip0, offset: 6 }
        lid_closed: { name: LID_CLOSED }
        ecg_trigger: { name: ECG_TRIGGER }
        hv_ready: { name: HV_READY }
        hw_fault: { name: HW_FAULT, active_low: true, bias: pull_up }
    i2c:
      bus: 1
      supervisor: 0x30
      adc: 0x48
      temperature: 0x49
      relays_plus: 0x20
      relays_minus: 0x21
    limits:
      max_voltage_v: 3000
      max_current_a: 50
      max_pulse_rate_hz: 10
      max_pulses_per_pair: 300
      max_pulses_per_treatment: 2000
    interlocks:
      bank_divider: 1000
      bank_voltage_tolerance: 0.05
      bled_below_v: 50
      charge_timeout_ms: 3000
      bank_hold_beats: 3
      relay_settle_ms: 10
      footswitch_disagree_ms: 50
      temperature_pause_c: 60
      temperature_fault_c: 75
      heart_rate_min_bpm: 40
      heart_rate_max_bpm: 150
      ectopic_fraction: 0.2
    timing:
      priority: 80
      lock_memory: true
      require_realtime: true

    """

  /// The simulator section of the shipped simulated board, for files built in tests.
  static let simulator = """
    simulator:
      heart: { rate_bpm: 60, variability: 0.03, trigger_latency_ms: 2, trigger_pulse_ms: 100 }
      tissue:
        sigma_low_s_per_m: 0.08
        sigma_high_s_per_m: 0.32
        field_low_v_per_cm: 350
        field_high_v_per_cm: 700
        needle_radius_mm: 0.53
        calibration: 2.5
        temperature_coefficient_per_c: 0.02
        heating_per_pulse_c: 0.08
        cooling_time_constant_ms: 60000
        noise: 0.01
      charger: { time_constant_ms: 150, ready_tolerance: 0.02, droop_per_pulse: 0.01, bleed_time_constant_ms: 40 }
      relays: { settle_min_ms: 3, settle_max_ms: 8 }
      heat_sink: { ambient_c: 25, rise_per_pulse_c: 0.01, time_constant_ms: 120000 }
      wake_latency_max_us: 150

    """

  static func errors(_ changes: [(String, String?)], text: String = text) -> [String] {
    Fixtures.errorLines {
      _ = try BoardFile.decode(yaml: Fixtures.edited(text, changes), file: "b.yaml", baseDirectory: nil)
    }
  }

  /// A fresh directory holding `files` (name → text), for base-file tests.
  static func directory(_ files: [String: String]) throws -> String {
    let path = NSTemporaryDirectory() + "board-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for (name, contents) in files {
      try contents.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }
    return path
  }
}
