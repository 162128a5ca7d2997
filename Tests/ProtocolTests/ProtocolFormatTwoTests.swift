import Planning
import Protocol
import Testing
import Units

/// Format 2: the probes' gauges, the tissue and the target, all optional and validated; format 1
/// files keep their meaning and may not use them.
struct ProtocolFormatTwoTests {
  let board: BoardDescription
  let library: TissueLibrary
  init() throws {
    board = try Fixtures.referenceBoard()
    library = try TissueLibraryFile.load(path: Fixtures.packageRoot + "/firmware-config/tissues.yaml")
  }

  func decode(_ changes: [(String, String?)]) throws -> TreatmentProtocol {
    try ProtocolFile.decode(
      yaml: ProtocolSample.with(changes), file: "p.yaml", board: board, tissues: library)
  }

  func errors(_ changes: [(String, String?)]) -> [String] {
    Fixtures.errorLines { _ = try decode(changes) }
  }

  static let target = "target: { x_mm: 7.5, y_mm: 5, z_mm: 0, radius_mm: 6 }"

  @Test func aFormatOneFileMeansLiver19GaugeAndNoTarget() throws {
    let treatment = try decode([])
    #expect(treatment.format == 1)
    #expect(treatment.tissue == "liver")
    #expect(treatment.target == nil)
    #expect(treatment.probes.allSatisfy { $0.gauge == .standard && $0.gauge.radius == Millimetres(0.535) })
  }

  @Test func formatTwoReadsGaugeTissueAndTarget() throws {
    let treatment = try decode([
      ("format", "format: 2\ntissue: pancreas\n" + Self.target),
      ("- { id: 2", "- { id: 2, x_mm: 15, y_mm: 0, exposure_mm: 15, gauge: 18 }"),
    ])
    #expect(treatment.format == 2)
    #expect(treatment.tissue == "pancreas")
    #expect(treatment.probes.map(\.gauge.gauge) == [19, 18, 19])
    let target = try #require(treatment.target)
    #expect(target.centre.x == Millimetres(7.5) && target.radii.z == Millimetres(6))
    let ellipsoid = try decode([
      (
        "format",
        "format: 2\ntarget: { x_mm: 7.5, y_mm: 5, z_mm: 1, radius_x_mm: 6, radius_y_mm: 5, radius_z_mm: 9 }"
      )
    ])
    #expect(
      ellipsoid.target?.radii == Ellipsoid.Point(x: Millimetres(6), y: Millimetres(5), z: Millimetres(9)))
  }

  @Test func theNewKeysNeedFormatTwo() {
    #expect(
      errors([
        ("name", "name: test-protocol\ntissue: liver"),
        ("- { id: 2", "- { id: 2, x_mm: 15, y_mm: 0, exposure_mm: 15, gauge: 18 }"),
      ]) == [
        "p.yaml:3:1: tissue: tissue needs format: 2",
        "p.yaml:6:50: probes[1].gauge: a probe's gauge needs format: 2",
      ])
    #expect(
      errors([("format", "format: 3")]) == [
        "p.yaml:1:9: format: unsupported format (allowed: 1, 2; found: 3)"
      ])
  }

  @Test func gaugeTissueAndTargetAreValidated() {
    #expect(
      errors([
        ("format", "format: 2\ntissue: kidney"),
        ("- { id: 2", "- { id: 2, x_mm: 15, y_mm: 0, exposure_mm: 15, gauge: 22 }"),
      ]) == [
        "p.yaml:2:9: tissue: unknown tissue (allowed: liver, pancreas, prostate, soft-tissue; found: kidney)",
        "p.yaml:6:57: probes[1].gauge: unknown gauge (allowed: 16, 17, 18, 19, 20; found: 22)",
      ])
    #expect(
      errors([("format", "format: 2\ntarget: { x_mm: 7.5, y_mm: 5, z_mm: 0, radius_mm: 60, radius_z_mm: 3 }")]
      ) == [
        "p.yaml:2:51: target.radius_mm: out of range (allowed: 1..50 mm; found: 60)",
        "p.yaml:2:55: target.radius_z_mm: a target is a sphere (radius_mm) or an ellipsoid (radius_x_mm, radius_y_mm, radius_z_mm), not both",
      ])
    #expect(
      errors([("format", "format: 2\ntarget: { x_mm: 7.5, y_mm: .nan, z_mm: 0 }")]).count == 2)
    #expect(
      errors([("format", "format: 2\ntarget: { x_mm: 7.5, y_mm: 5, z_mm: 0, radius_x_mm: 4 }")]) == [
        "p.yaml:2:9: target.radius_y_mm: missing key", "p.yaml:2:9: target.radius_z_mm: missing key",
      ])
  }
}
