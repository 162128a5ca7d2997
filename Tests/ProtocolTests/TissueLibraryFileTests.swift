import Planning
import Protocol
import Testing
import Units

/// The tissue library's decoder: the shipped file, and every rule with the line a reader sees.
struct TissueLibraryFileTests {
  static let text = """
    format: 1
    name: test-library
    tissues:
      - name: liver
        conductivity: { s_per_m: 0.12, source: "paper A" }
        ramp:
          sigma_low_s_per_m: 0.08
          sigma_high_s_per_m: 0.32
          field_low_v_per_cm: 350
          field_high_v_per_cm: 700
          source: "paper B"
        temperature_coefficient: { per_c: 0.012, source: "paper A" }
        threshold: { v_per_cm: 500, source: "paper C" }
    """

  func errors(_ changes: [(String, String?)]) -> [String] {
    Fixtures.errorLines {
      _ = try TissueLibraryFile.decode(yaml: Fixtures.edited(Self.text, changes), file: "t.yaml")
    }
  }

  @Test func theShippedLibraryHasTheTissuesOfThePlanner() throws {
    let path = Fixtures.packageRoot + "/firmware-config/tissues.yaml"
    #expect(try ConfigurationFileKind.detect(path: path) == .tissueLibrary)
    let library = try TissueLibraryFile.load(path: path)
    #expect(library.names == ["liver", "pancreas", "prostate", "soft-tissue"])
    #expect(library[TissueLibrary.defaultTissue] != nil)
    for tissue in library.tissues {
      let sources = [
        tissue.sources.baseConductivity, tissue.sources.ramp, tissue.sources.temperatureCoefficient,
        tissue.sources.threshold,
      ]
      #expect(sources.allSatisfy { $0.count > 10 }, "\(tissue.name)")
    }
  }

  @Test func aValidLibraryDecodesToItsNumbers() throws {
    let library = try TissueLibraryFile.decode(yaml: Self.text, file: "t.yaml")
    let liver = try #require(library["liver"])
    #expect(liver.baseConductivity == SiemensPerMetre(0.12))
    #expect(liver.ramp.fieldHigh == VoltsPerCentimetre(700))
    #expect(liver.threshold == VoltsPerCentimetre(500))
    #expect(liver.sources.ramp == "paper B")
    #expect(liver.conductivity(dynamic: false) == .uniform(SiemensPerMetre(0.12)))
  }

  @Test func formatKeysAndSourcesAreChecked() {
    #expect(
      errors([("format", "format: 2"), ("- name: liver", "- name: Liver")]) == [
        "t.yaml:1:9: format: unsupported format (allowed: 1; found: 2)",
        "t.yaml:4:11: tissues[0].name: must use only lowercase letters, digits and '-' (allowed: [a-z0-9-]+; found: Liver)",
      ])
    #expect(
      errors([("conductivity", "conductivity: { s_per_m: 0.12, source: \"\" }")]) == [
        "t.yaml:5:44: tissues[0].conductivity.source: a source is needed for every number (allowed: the paper or dataset, as text; found: empty text)"
      ])
    #expect(
      errors([("threshold", "threshold: { v_per_cm: 500 }"), ("temperature", "temperature: 1")]) == [
        "t.yaml:4:5: tissues[0].temperature_coefficient: missing key",
        "t.yaml:12:5: tissues[0].temperature: unknown key (allowed: name, description, conductivity, ramp, temperature_coefficient, threshold; found: temperature)",
        "t.yaml:13:16: tissues[0].threshold.source: missing key",
      ])
  }

  @Test func numbersAreInRangeAndTheRampRises() {
    #expect(
      errors([("sigma_high", "sigma_high_s_per_m: 0.05"), ("field_high", "field_high_v_per_cm: 300")]) == [
        "t.yaml:8:27: tissues[0].ramp.sigma_high_s_per_m: must be at least sigma_low_s_per_m (allowed: >= 0.08; found: 0.05)",
        "t.yaml:10:28: tissues[0].ramp.field_high_v_per_cm: must be above field_low_v_per_cm (allowed: > 350; found: 300)",
      ])
    #expect(
      errors([("threshold", "threshold: { v_per_cm: .nan, source: \"x\" }")]).count == 1)
    #expect(
      errors([("threshold", "threshold: { v_per_cm: \"500\", source: \"x\" }")]).first?.hasPrefix(
        "t.yaml:13:28: tissues[0].threshold.v_per_cm") == true)
  }

  @Test func aTissueNamedTwiceIsRefused() {
    let twice = Self.text + "\n" + Self.text.split(separator: "\n").dropFirst(3).joined(separator: "\n")
    let lines = Fixtures.errorLines { _ = try TissueLibraryFile.decode(yaml: twice, file: "t.yaml") }
    #expect(lines == ["t.yaml:14:5: tissues[1]: tissue named twice (first at tissues[0]) (found: liver)"])
  }
}
