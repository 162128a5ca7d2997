import Protocol
import Testing

/// The strict reader under every decoder: types, numbers, keys, syntax, positions.
struct YAMLReaderTests {
  let board: BoardDescription
  init() throws { board = try Fixtures.referenceBoard() }

  func errors(_ changes: [(String, String?)]) -> [String] {
    ProtocolSample.errors(changes, board: board)
  }

  @Test func theSampleIsValid() {
    #expect(errors([]) == ["no error"])
  }

  @Test func aQuotedNumberIsText() {
    #expect(
      errors([("width_us", "width_us: \"90\"")]) == [
        "p.yaml:8:13: pulse.width_us: must be a number, not text in quotes (found: \"90\")"
      ])
  }

  @Test func notANumber() {
    #expect(
      errors([("field_v_per_cm", "field_v_per_cm: high")]) == [
        "p.yaml:9:19: pulse.field_v_per_cm: must be a number (found: high)"
      ])
  }

  @Test func nanAndInfinityAreRefused() {
    #expect(
      errors([("field_v_per_cm", "field_v_per_cm: .nan"), ("max_current_a", "max_current_a: .inf")]) == [
        "p.yaml:9:19: pulse.field_v_per_cm: must be a finite number (found: .nan)",
        "p.yaml:26:18: limits.max_current_a: must be a finite number (found: .inf)",
      ])
  }

  @Test func aNumberThatOverflowsIsRefused() {
    #expect(
      errors([("field_v_per_cm", "field_v_per_cm: 1e400")]) == [
        "p.yaml:9:19: pulse.field_v_per_cm: must be a finite number (found: 1e400)"
      ])
  }

  @Test func aFractionWhereAWholeNumberIsNeeded() {
    #expect(
      errors([("width_us", "width_us: 90.5")]) == [
        "p.yaml:8:13: pulse.width_us: must be a whole number (found: 90.5)"
      ])
  }

  @Test func anEmptyValue() {
    #expect(
      errors([("delay_ms", "delay_ms:")]) == [
        "p.yaml:13:12: sync.delay_ms: must be a number (found: nothing)"
      ])
  }

  @Test func unknownKeyListsTheAllowedOnes() {
    #expect(
      errors([("width_us", "widht_us: 90")]) == [
        "p.yaml:8:3: pulse.widht_us: unknown key (allowed: width_us, field_v_per_cm, train; found: widht_us)",
        "p.yaml:8:3: pulse.width_us: missing key",
      ])
  }

  @Test func duplicatedKeysAreAllReported() {
    #expect(
      errors([("delay_ms", "delay_ms: 50\ndelay_ms: 60"), ("train", "train: { pulses: 1, pulses: 2 }")]) == [
        "p.yaml:10:23: pulse.train.pulses: duplicated key (first given on line 10)",
        "p.yaml:14:3: sync.delay_ms: duplicated key (first given on line 13)",
      ])
  }

  @Test func aMissingKeyIsReportedAtItsMapping() {
    #expect(
      errors([("min_rr_ms", nil)]) == [
        "p.yaml:12:3: sync.min_rr_ms: missing key"
      ])
  }

  @Test func aMappingWhereAValueIsNeeded() {
    #expect(
      errors([("train", "train: 1")]) == [
        "p.yaml:10:10: pulse.train: must be a mapping (found: 1)"
      ])
    #expect(
      errors([("therapy:", "therapy: 90")]) == [
        "p.yaml:22:9: YAML syntax error: mapping values are not allowed in this context"
      ])
  }

  @Test func aSyntaxErrorIsReportedWhereTheParserFoundIt() {
    let lines = Fixtures.errorLines {
      _ = try ProtocolFile.decode(yaml: "format: 1\nname: [a, b\n", file: "p.yaml", board: board)
    }
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("p.yaml:3:1: YAML syntax error") == true, "\(lines)")
  }

  /// Found by fuzzing (scripts/fuzz board): a repeated key in a file whose lines end in a lone
  /// `\r` trapped (a range past the last `\n`-line) in every configuration file's reader; it is
  /// now named where it is.
  @Test func aRepeatedKeyAfterCarriageReturnLineEndsIsRefusedNotATrap() {
    let lines = Fixtures.errorLines {
      _ = try BoardFile.decode(yaml: "a: 1\rb: 2\rc: 3\rc: 4\r", file: "b.yaml", baseDirectory: nil)
    }
    // Named where it is, as in the same file with `\n` line ends.
    #expect(lines.contains("b.yaml:4:1: c: duplicated key (first given on line 3)"), "\(lines)")
    let protocolLines = Fixtures.errorLines {
      _ = try ProtocolFile.decode(yaml: "format: 1\rname: a\rname: b\r", file: "p.yaml", board: board)
    }
    #expect(
      protocolLines.contains("p.yaml:3:1: name: duplicated key (first given on line 2)"), "\(protocolLines)")
  }

  /// Every line break the parser knows is counted as it counts it: the same file with its lines
  /// ended in `\r`, `\r\n` or LS gets the same errors at the same lines and columns as with
  /// `\n`, duplicated keys (which are found in the text, not by the parser) included.
  @Test(arguments: ["\r", "\r\n", "\u{2028}"])
  func everyLineBreakCountsAsTheParserCountsIt(lineBreak: String) {
    let edits: [(String, String?)] = [
      ("delay_ms", "delay_ms: 50\ndelay_ms: 60"), ("train", "train: { pulses: 1, pulses: 2 }"),
      ("width_us", "widht_us: 90"),
    ]
    let text = ProtocolSample.with(edits)
    let expected = errors(edits)
    #expect(expected.count == 4, "\(expected)")
    let other = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: lineBreak)
    #expect(
      Fixtures.errorLines { _ = try ProtocolFile.decode(yaml: other, file: "p.yaml", board: board) }
        == expected)
  }

  @Test func anUnreadableFile() {
    #expect(
      Fixtures.errorLines { _ = try ProtocolFile.load(path: "/nonexistent/p.yaml", board: board) } == [
        "/nonexistent/p.yaml:1:1: cannot read the file (found: no readable file at this path)"
      ])
  }

  @Test func errorDescriptionOmitsMissingParts() {
    let error = ConfigurationError(
      file: "f.yaml", line: 2, column: 5, keyPath: "sync.delay_ms", message: "out of range",
      allowed: nil, found: "800")
    #expect(error.description == "f.yaml:2:5: sync.delay_ms: out of range (found: 800)")
    var allowedOnly = error
    allowedOnly.allowed = "0..700"
    allowedOnly.found = nil
    #expect(allowedOnly.description == "f.yaml:2:5: sync.delay_ms: out of range (allowed: 0..700)")
    allowedOnly.allowed = nil
    #expect(allowedOnly.description == "f.yaml:2:5: sync.delay_ms: out of range")
  }
}
