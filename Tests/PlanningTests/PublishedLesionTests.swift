import Foundation
import Planning
import Protocol
import Testing
import Units

/// The porcine-liver lesions of PLANNING.md, reproduced with the one liver of the shipped tissue
/// library (firmware-config/tissues.yaml), dynamic conductivity, the plan's default grid.
struct PublishedLesionTests {
  static func shippedLiver() throws -> TissueProperties {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let library = try TissueLibraryFile.load(
      path: root.appendingPathComponent("firmware-config/tissues.yaml").path)
    return try #require(library[TissueLibrary.defaultTissue])
  }

  @Test func acrossAxisDepthWithinFourMillimetresAndDeeperAtHigherVoltage() throws {
    let liver = try Self.shippedLiver()
    var depths: [Double] = []
    for lesion in PublishedLesion.porcineLiver {
      let plan = try TreatmentPlanner.plan(
        layout: lesion.layout(), conductivity: liver.conductivity(dynamic: true), threshold: liver.threshold)
      let zone = try #require(plan.pairs.first).zone
      #expect(
        Swift.abs(zone.across.value - lesion.across.mean) <= 4,
        "\(lesion.voltage): across \(zone.across) against \(lesion.across.mean) mm")
      // A field-only model falls short along the axis (the rim of gross pathology), never beyond.
      #expect(zone.along.value < lesion.along.mean + lesion.along.deviation, "along \(zone.along)")
      depths.append(zone.across.value)
    }
    #expect(depths.count == 2)
    #expect(depths[1] > depths[0] + 1, "3000 V \(depths[1]) mm against 2250 V \(depths[0]) mm")
  }
}
