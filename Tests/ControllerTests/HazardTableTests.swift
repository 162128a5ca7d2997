import Foundation
import Safety
import Testing

/// docs/safety.md stays the same list as the code: a row per interlock, the declared reaction,
/// clearance and deadline, and a test that exists.
@Suite("Hazard table in docs/safety.md")
struct HazardTableTests {
  struct Row {
    var cells: [String]
    var interlock: String { cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
  }

  static func rows() throws -> [Row] {
    let text = try String(contentsOf: Paths.root.appendingPathComponent("docs/safety.md"), encoding: .utf8)
    return text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
      Row(
        cells: line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
          .map { $0.trimmingCharacters(in: .whitespaces) })
    }.filter { $0.cells.count == 7 }
  }

  /// Every Swift source under Tests/, to find the tests the table names.
  static func testSources() throws -> String {
    let tests = Paths.root.appendingPathComponent("Tests")
    let files =
      FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)?
      .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
    return try files.map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
  }

  @Test func everyInterlockHasExactlyOneRowThatMatchesTheCode() throws {
    let rows = try Self.rows()
    for interlock in Interlock.allCases {
      let matching = rows.filter { $0.interlock == interlock.rawValue }
      #expect(matching.count == 1, "\(interlock.rawValue): \(matching.count) rows")
      guard let row = matching.first else { continue }
      #expect(row.cells[3] == interlock.reaction.rawValue, "\(interlock.rawValue): reaction")
      #expect(row.cells[4] == interlock.clearedBy.rawValue, "\(interlock.rawValue): cleared by")
      #expect(
        row.cells[5] == interlock.deadline.description,
        "\(interlock.rawValue): deadline \(interlock.deadline)")
    }
    #expect(rows.count == Interlock.allCases.count, "no row for an interlock that does not exist")
  }

  @Test func everyRowNamesATestThatExists() throws {
    let sources = try Self.testSources()
    for row in try Self.rows() {
      let name = row.cells[6].trimmingCharacters(in: CharacterSet(charactersIn: "` "))
      let parts = name.split(separator: ".")
      #expect(parts.count == 2, "\(row.interlock): test \(name)")
      guard parts.count == 2 else { continue }
      #expect(sources.contains("struct \(parts[0])"), "\(row.interlock): no suite \(parts[0])")
      #expect(sources.contains("func \(parts[1])("), "\(row.interlock): no test \(parts[1])")
    }
  }
}
