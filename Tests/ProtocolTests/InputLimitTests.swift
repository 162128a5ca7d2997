import Foundation
import Protocol
import Testing

/// The limits checked where a configuration file is read: each refuses the file with one error
/// at the line it concerns, naming the limit, before any tree is built from the text.
struct InputLimitTests {
  let board: BoardDescription
  init() throws { board = try Fixtures.referenceBoard() }

  func errors(_ yaml: String) -> [String] {
    Fixtures.errorLines { _ = try ProtocolFile.decode(yaml: yaml, file: "p.yaml", board: board) }
  }

  /// A file of `bytes` in the temporary directory, removed by the caller.
  func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("irectl-limits-\(getpid())-\(name)").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func aFileLargerThanTheLimitIsRefusedBeforeItIsRead() throws {
    let path = try temporaryFile("large.yaml", Array(repeating: UInt8(ascii: "#"), count: (1 << 20) + 1))
    defer { try? FileManager.default.removeItem(atPath: path) }
    for load in [
      { _ = try ProtocolFile.load(path: path, board: board) },
      { _ = try BoardFile.load(path: path) },
      { _ = try TissueLibraryFile.load(path: path) },
    ] {
      #expect(
        Fixtures.errorLines(load) == [
          "\(path):1:1: the file is larger than the limit (allowed: at most 1048576 bytes (1 MiB); found: 1048577 bytes)"
        ])
    }
  }

  @Test func aFileOfExactlyTheLimitIsRead() throws {
    var text = Array(ProtocolSample.text.utf8)
    text += Array(repeating: UInt8(ascii: "#"), count: (1 << 20) - text.count)
    let path = try temporaryFile("limit.yaml", text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(Fixtures.errorLines { _ = try ProtocolFile.load(path: path, board: board) } == ["no error"])
  }

  @Test func bytesThatAreNotUTF8AreReportedWhereTheyAre() throws {
    let path = try temporaryFile("binary.yaml", Array("format: 1\nname: ab".utf8) + [0xFF, 0xFE])
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(
      Fixtures.errorLines { _ = try ProtocolFile.load(path: path, board: board) } == [
        "\(path):2:9: the file is not UTF-8 text (found: a byte that is not UTF-8 here)"
      ])
  }

  @Test func anAliasIsRefusedAtItsLineSoNoBillionLaughs() {
    let laughs = """
      format: 1
      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]

      """
    #expect(
      errors(laughs) == [
        "p.yaml:3:8: aliases are not allowed: write the value out (allowed: no aliases (*name) or merge keys (<<); found: *a)"
      ])
    #expect(
      errors(ProtocolSample.with([("width_us", "width_us: &w 90"), ("delay_ms", "delay_ms: *w")])) == [
        "p.yaml:13:13: aliases are not allowed: write the value out (allowed: no aliases (*name) or merge keys (<<); found: *w)"
      ])
  }

  @Test func nestingDeeperThanTheLimitIsRefused() {
    let deep =
      "format: 1\nname: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n"
    #expect(
      errors(deep) == [
        "p.yaml:2:38: nested deeper than the limit (allowed: at most 32 levels of lists and mappings; found: level 33)"
      ])
    #expect(
      errors(String(repeating: "[", count: 100_000)).first?.contains("nested deeper than the limit") == true)
  }

  @Test func aValueLongerThanTheLimitIsRefused() {
    let long = String(repeating: "x", count: 5000)
    #expect(
      errors(ProtocolSample.with([("name:", "name: \(long)")])) == [
        "p.yaml:2:7: value longer than the limit (allowed: at most 4096 bytes; found: 5000 bytes)"
      ])
  }

  @Test func tooManyValuesAreRefused() {
    let many = "format: 1\nname: [" + Array(repeating: "1", count: 30_000).joined(separator: ", ") + "]\n"
    let lines = errors(many)
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("p.yaml:2:") == true)
    #expect(
      lines.first?.hasSuffix(
        "too many values in the file (allowed: at most 20000 keys, numbers, texts, lists and mappings; found: more)"
      )
        == true)
  }

  @Test func tooManyDuplicatedKeysEndTheReport() {
    let repeats = (0..<30).map { "format: \($0)" }.joined(separator: "\n")
    let lines = errors(repeats + "\n")
    #expect(lines.count == 1)
    #expect(
      lines.first
        == "p.yaml:22:1: too many duplicated keys (allowed: at most 20; found: another repeat of format)")
  }

  /// Repeated keys are all blanked in one pass; a column counts characters, not bytes.
  @Test func repeatedKeysAfterWideCharactersAreFoundWhereTheyAre() {
    let lines = errors("format: 1\nname: x\nprobes: [{ \"é€\": 1, id: 1, id: 2 }]\nformat: 1\n")
    #expect(lines.contains("p.yaml:3:28: probes[0].id: duplicated key (first given on line 3)"), "\(lines)")
    #expect(lines.contains("p.yaml:4:1: format: duplicated key (first given on line 1)"), "\(lines)")
  }

  @Test func tooManyPairsOrProbesAreOneErrorNotOnePerEntry() {
    let pairs = Array(repeating: "- [1, 2]", count: 1000).joined(separator: "\n")
    #expect(
      errors(ProtocolSample.with([("- [1, 2]", pairs), ("- { anode: 1", nil)])) == [
        "p.yaml:30:3: pairs: 1 to 15 pairs are needed (allowed: 1..15 pairs; found: 1000 pairs)"
      ])
    let probes = Array(repeating: "- { id: 9 }", count: 1000).joined(separator: "\n")
    let lines = errors(ProtocolSample.with([("- { id: 1", probes), ("- { id: 2", nil), ("- { id: 3", nil)]))
    #expect(
      lines.contains(
        "p.yaml:4:3: probes: 2 to 6 probes are needed (allowed: 2..6 probes; found: 1000 probes)"))
    #expect(!lines.contains { $0.contains("probes[") })
  }

  @Test func tooManyTissuesAreOneError() {
    let tissue = """
        - name: t
          conductivity: { s_per_m: 0.1, source: s }
          ramp: { sigma_low_s_per_m: 0.1, sigma_high_s_per_m: 0.2, field_low_v_per_cm: 300, field_high_v_per_cm: 600, source: s }
          temperature_coefficient: { per_c: 0.01, source: s }
          threshold: { v_per_cm: 500, source: s }
      """
    let yaml =
      "format: 1\nname: lib\ntissues:\n" + Array(repeating: tissue, count: 70).joined(separator: "\n") + "\n"
    let lines = Fixtures.errorLines { _ = try TissueLibraryFile.decode(yaml: yaml, file: "t.yaml") }
    #expect(
      lines.first
        == "t.yaml:4:3: tissues: more tissues than a library may hold (allowed: 1 to 64 tissues; found: 70 tissues)"
    )
  }
}
