import Protocol

/// A small valid protocol, one value per line so that each test can change one line and expect
/// an error at a known line and column.
enum ProtocolSample {
  static let file = "p.yaml"

  static let text = """
    format: 1
    name: test-protocol
    probes:
      - { id: 1, x_mm: 0, y_mm: 0, exposure_mm: 15 }
      - { id: 2, x_mm: 15, y_mm: 0, exposure_mm: 15 }
      - { id: 3, x_mm: 15, y_mm: 15, exposure_mm: 15 }
    pulse:
      width_us: 90
      field_v_per_cm: 1500
      train: { pulses: 1 }
    sync:
      mode: ecg
      delay_ms: 50
      window_ms: 10
      min_rr_ms: 400
      max_rr_ms: 1500
      pause_after_missed: 3
    test:
      pulses: 10
      current_a: { min: 5, max: 45 }
    therapy:
      pulses: 90
      set_size: 10
      polarity: alternate_per_set
    limits:
      max_current_a: 50
      max_current_jump_a: 8
      min_current_a: 2
    pairs:
      - [1, 2]
      - { anode: 1, cathode: 3, voltage_v: 2800 }

    """

  /// The sample with `changes` applied (see `Fixtures.edited`).
  static func with(_ changes: [(String, String?)]) -> String {
    Fixtures.edited(text, changes)
  }

  /// The error lines of the sample with `changes`, decoded against `board`.
  static func errors(
    _ changes: [(String, String?)], board: BoardDescription
  ) -> [String] {
    Fixtures.errorLines {
      _ = try ProtocolFile.decode(yaml: with(changes), file: file, board: board)
    }
  }
}
