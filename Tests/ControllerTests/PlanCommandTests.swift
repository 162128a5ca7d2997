import Foundation
import Testing

/// `irectl plan` as a technician runs it: the JSON object's keys, the warnings, the page, and
/// every bad option refused by name with exit 2. Coarse grids keep it fast; the solver's
/// accuracy is PlanningTests' business.
@Suite("irectl plan")
struct PlanCommandTests {
  static func irectl(_ arguments: [String]) throws -> (Int32, String, String) {
    try InstallDefaultsCommandTests.irectl(arguments)
  }

  static func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func jsonHasEveryKeyPerPairAndForTheZone() throws {
    let (status, out, err) = try Self.irectl([
      "plan", Paths.protocolFile("liver-4probe-box"), "--json", "--resolution", "1.5",
    ])
    #expect(status == 0, "\(err)")
    let plan = try Self.object(out)
    #expect(plan["tissue"] as? String == "liver")
    #expect(plan["threshold_v_per_cm"] as? Double == 500)
    #expect(plan["resolution_mm"] as? Double == 1.5)
    #expect((plan["solve_ms"] as? Int).map { $0 > 0 } == true)
    #expect(plan["coverage_pct"] == nil && plan["margin_mm"] == nil)
    let pairs = try #require(plan["pairs"] as? [[String: Any]])
    #expect(
      pairs.map { "\($0["anode"] ?? "")-\($0["cathode"] ?? "")" } == [
        "1-2", "2-3", "3-4", "4-1", "1-3", "2-4",
      ])
    for pair in pairs {
      #expect(
        Set(pair.keys) == [
          "anode", "cathode", "voltage_v", "midpoint_field_v_per_cm", "zone_mm", "current_a",
        ])
      let zone = try #require(pair["zone_mm"] as? [String: Double])
      #expect(Set(zone.keys) == ["along", "across", "height"])
      #expect(zone.values.allSatisfy { $0 > 5 && $0 < 50 })
      #expect((pair["current_a"] as? Double).map { $0 > 1 } == true)
    }
    let zone = try #require(plan["zone"] as? [String: Any])
    let extent = try #require(zone["extent_mm"] as? [String: Double])
    #expect(Set(extent.keys) == ["x", "y", "z"])
    // The box's zone reaches past its 15 mm square on every side.
    #expect((extent["x"] ?? 0) > 15 && (extent["y"] ?? 0) > 15)
    #expect((zone["volume_ml"] as? Double).map { $0 > 1 } == true)
  }

  @Test func aWeakPairAndAnUncoveredTargetAreWarnedAboutAndDrawn() throws {
    let page = Paths.temporary("plan.html")
    defer { try? FileManager.default.removeItem(atPath: page) }
    let (status, out, err) = try Self.irectl([
      "plan", Paths.fixture("plan-weak-pair"), "--json", "--resolution", "1", "--out", page,
    ])
    #expect(status == 0, "\(err)")
    let plan = try Self.object(out)
    #expect(plan["tissue"] as? String == "pancreas")
    #expect((plan["coverage_pct"] as? Double).map { $0 < 50 } == true)
    #expect((plan["margin_mm"] as? Double).map { $0 < 0 } == true)
    #expect(err.contains("pair 1–2: the field between the needles falls to"))
    #expect(err.contains("the target is not covered"))
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.components(separatedBy: "<svg").count == 3)
    #expect(html.contains("<ellipse") && html.contains("stroke=\"#000\""))
    #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
    // validate says the same, as warnings: the file stays valid.
    let (valid, said, _) = try Self.irectl(["validate", Paths.fixture("plan-weak-pair")])
    #expect(valid == 0)
    #expect(said.components(separatedBy: "warning  ").count == 3, "\(said)")
  }

  @Test func tissueThresholdAndConductivityChangeThePlan() throws {
    let protocolFile = Paths.protocolFile("pancreas-2probe")
    let base = try Self.object(try Self.irectl(["plan", protocolFile, "--json", "--resolution", "1.5"]).1)
    let changed = try Self.object(
      try Self.irectl([
        "plan", protocolFile, "--json", "--resolution", "1.5", "--tissue", "soft-tissue", "--threshold",
        "700",
        "--conductivity", "static",
      ]).1)
    #expect(base["tissue"] as? String == "liver" && base["conductivity"] as? String == "dynamic")
    #expect(changed["tissue"] as? String == "soft-tissue" && changed["conductivity"] as? String == "static")
    #expect(changed["threshold_v_per_cm"] as? Double == 700)
    let volumes = [base, changed].map { ($0["zone"] as? [String: Any])?["volume_ml"] as? Double ?? 0 }
    #expect(volumes[1] < volumes[0], "\(volumes)")
  }

  @Test func badOptionsAreRefusedByName() throws {
    let protocolFile = Paths.protocolFile("pancreas-2probe")
    let cases: [([String], String)] = [
      (["--tissue", "kidney"], "--tissue: unknown tissue"),
      (["--threshold", "20"], "--threshold: allowed 50...5000 V/cm"),
      (["--resolution", "0.1"], "--resolution: allowed 0.3...2 mm"),
      (["--conductivity", "fast"], "--conductivity"),
      (["--threshold", "abc"], "--threshold"),
    ]
    for (options, message) in cases {
      let (status, out, err) = try Self.irectl(["plan", protocolFile] + options)
      #expect(status == 2, "\(options)")
      #expect(err.contains(message), "\(options): \(err)")
      #expect(out.isEmpty)
    }
    let (status, _, err) = try Self.irectl(["plan", Paths.fixture("no-such-protocol")])
    #expect(status == 2)
    #expect(err.contains("no-such-protocol"))
  }
}
