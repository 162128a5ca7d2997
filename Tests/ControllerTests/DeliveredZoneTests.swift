import Controller
import Foundation
import Record
import Simulator
import Testing

/// The report of a simulated treatment shows its zone as planned and as delivered; an aborted
/// one names the pairs that did not receive their pulses and shows their share as missing.
@Suite("Zone as delivered in the report")
struct DeliveredZoneTests {
  static let target = Paths.protocolFile("liver-4probe-target")

  /// Simulates `protocolPath` (fast) into a fresh record, then reads its report's data with the
  /// zones attached.
  static func report(
    _ protocolPath: String, name: String, board: String = Paths.simBoard, acts: [OperatorAct] = [],
    beforeReport: () throws -> Void = {}
  ) throws -> ReportData {
    let path = Paths.temporary("\(name).sqlite")
    defer { Paths.removeRecord(path) }
    var options = SimulationOptions(
      protocolPath: protocolPath, boardPath: board, recordPath: path, showProgress: false)
    options.operatorActs = acts
    let result = try SimulationSession.run(options)
    let session = try #require(result.recordSession)
    try beforeReport()
    let record = try TreatmentRecord(path: path)
    #expect(try record.verify() == nil)
    var data = try record.reportData(for: session)
    DeliveredZones.attach(to: &data)
    return data
  }

  /// Therapy pulses on record per pair, counted from the record's pulses.
  static func therapy(_ data: ReportData) -> [Int: Int] {
    data.pulses.filter { $0.kind == "therapy" }.reduce(into: [:]) { $0[$1.pair, default: 0] += 1 }
  }

  @Test func aCompletedTreatmentShowsPlannedAndDeliveredZones() throws {
    let data = try Self.report(Self.target, name: "zones-completed")
    #expect(data.session.planInputs?.resolutionMm == 1)
    let zones = try #require(data.zones, "\(data.zonesUnavailable ?? "")")
    #expect(zones.missingPairs.isEmpty)
    #expect(zones.pairs.count == data.pairs.count)
    for pair in zones.pairs {
      let measured = try #require(pair.measuredVoltageV, "\(pair.label)")
      #expect(abs(measured - pair.plannedVoltageV) < 0.05 * pair.plannedVoltageV, "\(pair.label)")
      let delivered = try #require(pair.delivered, "\(pair.label)")
      #expect(abs(delivered.across - pair.planned.across) < 1, "\(pair.label)")
    }
    #expect(zones.planned.volumeMl > 1)
    #expect(abs(zones.delivered.volumeMl - zones.planned.volumeMl) < 0.05 * zones.planned.volumeMl)
    #expect(zones.hasTarget && zones.delivered.coveragePct != nil)
    let html = ReportRenderer.html(data)
    #expect(html.contains("Ablation zone: planned and delivered"))
    #expect(html.contains("1.0 mm grid"))
    #expect(!html.contains("Not achieved"))
    #expect(zones.planeSVG?.contains("stroke=\"#000\"") == true, "the delivered zone's edge is drawn")
  }

  /// The simulated board with its tissue's σ(E) ramp rising to `sigmaHigh` (the library's liver:
  /// 0.32 S/m) and another calibration (a scale, which the fit must not see), in a temporary file.
  /// The calibration keeps the steeper rise's currents inside the protocol's limits.
  static func board(sigmaHigh: Double, calibration: Double) throws -> String {
    let path = Paths.temporary("board-sigma-high-\(sigmaHigh).yaml")
    let text = try String(contentsOfFile: Paths.simBoard, encoding: .utf8)
      .replacingOccurrences(
        of: "base: reference.yaml", with: "base: \(Paths.config("boards/reference.yaml"))"
      )
      .replacingOccurrences(of: "sigma_high_s_per_m: 0.32", with: "sigma_high_s_per_m: \(sigmaHigh)")
      .replacingOccurrences(of: "calibration: 2.5", with: "calibration: \(calibration)")
    #expect(text.contains("sigma_high_s_per_m: \(sigmaHigh)") && text.contains("calibration: \(calibration)"))
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func theRampFitMovesTowardTheSimulatedTissue() throws {
    let pancreas = Paths.protocolFile("pancreas-2probe")
    let same = try Self.report(pancreas, name: "fit-same")
    let library = try #require(same.zones?.libraryHighSPerM, "\(same.zonesUnavailable ?? "")")
    #expect(library == 0.32)
    let sameFit = try #require(same.zones?.pairs.first?.fit)
    // The simulated tissue is the library's liver: the fit lands near it (a little high: the
    // train's heating raises the last pulse's current too).
    #expect(sameFit.withinRange)
    #expect(abs(sameFit.highSPerM / library - 1) < 0.2, "\(sameFit)")

    let board = try Self.board(sigmaHigh: 0.6, calibration: 1.8)
    defer { try? FileManager.default.removeItem(atPath: board) }
    let other = try Self.report(pancreas, name: "fit-other", board: board)
    let fit = try #require(other.zones?.pairs.first?.fit, "\(other.zonesUnavailable ?? "")")
    #expect(fit.measuredRise > sameFit.measuredRise)
    // From the library's 0.32 S/m, most of the way to the simulated tissue's 0.6.
    #expect(fit.highSPerM > library)
    #expect(abs(fit.highSPerM - 0.6) < abs(library - 0.6) / 2, "\(fit)")
    // Each delivered zone is computed with its pair's fitted ramp. Both treatments measured the
    // same voltage, so with the library's ramp for both their zones were the same; with each
    // tissue's own, the steeper one's is shorter along the pair and taller (24.1 against 24.7 mm,
    // 23.4 against 23.1 mm, on the report's 1 mm grid).
    let sameZone = try #require(same.zones?.pairs.first?.delivered)
    let otherZone = try #require(other.zones?.pairs.first?.delivered)
    #expect(same.zones?.pairs.first?.measuredVoltageV == other.zones?.pairs.first?.measuredVoltageV)
    #expect(otherZone.along < sameZone.along - 0.3, "\(otherZone) against \(sameZone)")
    #expect(otherZone.height > sameZone.height + 0.1, "\(otherZone) against \(sameZone)")
    #expect(other.zones?.notes.contains { $0.contains("library's σ(E) ramp") } == false)
    let html = ReportRenderer.html(other)
    #expect(html.contains("σ high fitted"))
    #expect(html.contains(String(format: "%.2f", fit.highSPerM)))
  }

  @Test func anAbortedTreatmentShowsTheMissingShare() throws {
    let data = try Self.report(
      Self.target, name: "zones-aborted", acts: [OperatorAct(kind: .abort, when: .pulse(250))])
    #expect(data.session.outcome == "aborted")
    let zones = try #require(data.zones, "\(data.zonesUnavailable ?? "")")
    let counts = Self.therapy(data)
    let expected = zones.pairs.enumerated().filter { (counts[$0.offset] ?? 0) < $0.element.therapyPlanned }
      .map(\.element.label)
    #expect(!expected.isEmpty && expected.count < zones.pairs.count)
    #expect(zones.missingPairs == expected)
    for pair in zones.pairs {
      #expect((pair.delivered == nil) == expected.contains(pair.label), "\(pair.label)")
      #expect((pair.fit == nil) == expected.contains(pair.label), "no fit without the last therapy pulse")
    }
    #expect(zones.delivered.volumeMl > 0)
    #expect(zones.delivered.volumeMl < zones.planned.volumeMl)
    let planned = try #require(zones.planned.coveragePct)
    let delivered = try #require(zones.delivered.coveragePct)
    #expect(delivered <= planned)
    let html = ReportRenderer.html(data)
    #expect(html.contains("Not achieved"))
    #expect(html.contains(expected.joined(separator: ", ")))
  }

  @Test func aProtocolChangedSinceTheSessionIsNotUsed() throws {
    let copy = Paths.temporary("zones-changed.yaml")
    try FileManager.default.copyItem(atPath: Self.target, toPath: copy)
    defer { try? FileManager.default.removeItem(atPath: copy) }
    let data = try Self.report(
      copy, name: "zones-changed", acts: [OperatorAct(kind: .abort, when: .pulse(5))],
      beforeReport: {
        try (String(contentsOfFile: copy, encoding: .utf8) + "# changed\n").write(
          toFile: copy, atomically: true, encoding: .utf8)
      })
    #expect(data.zones == nil)
    #expect(data.zonesUnavailable?.contains("is not the one the session ran") == true)
    #expect(ReportRenderer.html(data).contains("Zones not computed"))
  }

  @Test func aProtocolMovedSinceTheSessionIsGivenByItsNewPath() throws {
    let copy = Paths.temporary("zones-moved.yaml")
    let moved = Paths.temporary("zones-moved-elsewhere.yaml")
    try FileManager.default.copyItem(atPath: Self.target, toPath: copy)
    defer {
      try? FileManager.default.removeItem(atPath: copy)
      try? FileManager.default.removeItem(atPath: moved)
    }
    var data = try Self.report(
      copy, name: "zones-moved", acts: [OperatorAct(kind: .abort, when: .pulse(5))],
      beforeReport: { try FileManager.default.moveItem(atPath: copy, toPath: moved) })
    #expect(data.zones == nil)
    #expect(data.zonesUnavailable?.contains("cannot be read") == true)
    data.zonesUnavailable = nil
    DeliveredZones.attach(to: &data, protocolPath: moved)
    let zones = try #require(data.zones, "\(data.zonesUnavailable ?? "")")
    #expect(zones.missingPairs == zones.pairs.map(\.label), "no pair received its therapy pulses")
    #expect(zones.delivered.volumeMl == 0 && zones.planned.volumeMl > 0)
    let drawing = try #require(zones.planeSVG)
    #expect(drawing.contains("stroke-dasharray=\"6 4\""), "the planned zone's edge is drawn")
    #expect(!drawing.contains("stroke=\"#000\""), "no delivered zone to draw")
  }
}
