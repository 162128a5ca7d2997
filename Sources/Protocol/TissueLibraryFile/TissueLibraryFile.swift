import Planning
import Units

/// Tissue library files (firmware-config/tissues.yaml, format 1), decoded and validated like
/// the other configuration files: every problem at once, each with its file, line, column, key
/// path, what is allowed and what was found.
///
/// ```yaml
/// format: 1
/// name: tissue-library
/// tissues:
///   - name: liver
///     conductivity: { s_per_m: 0.12, source: "…" }
///     ramp: { sigma_low_s_per_m: 0.08, sigma_high_s_per_m: 0.32, field_low_v_per_cm: 350,
///             field_high_v_per_cm: 700, source: "…" }
///     temperature_coefficient: { per_c: 0.012, source: "…" }
///     threshold: { v_per_cm: 500, source: "…" }
/// ```
public enum TissueLibraryFile {
  static let topKeys = ["format", "name", "description", "tissues"]
  /// Tissues in one library: the planner offers each by name.
  public static let maximumTissues = 64
  static let tissueKeys = [
    "name", "description", "conductivity", "ramp", "temperature_coefficient", "threshold",
  ]

  public static func load(path: String) throws -> TissueLibrary {
    try decode(YAMLDocument.load(path: path))
  }

  public static func decode(yaml: String, file: String) throws -> TissueLibrary {
    try decode(YAMLDocument.compose(yaml: yaml, file: file))
  }

  static func decode(_ document: YAMLDocument) throws(ConfigurationErrors) -> TissueLibrary {
    let diagnostics = document.diagnostics
    let root = YAMLValue(node: document.root, path: "", diagnostics: diagnostics)
    guard let top = root.mapping(keys: topKeys) else { throw ConfigurationErrors(errors: diagnostics.errors) }
    let header = FileHeader(top)
    var tissues: [TissueProperties] = []
    if let list = top.required("tissues"), let entries = list.list {
      if entries.isEmpty {
        list.report(
          "the library needs at least one tissue", allowed: "1 to \(maximumTissues) tissues", found: "none")
      } else if entries.count > maximumTissues {
        list.report(
          "more tissues than a library may hold", allowed: "1 to \(maximumTissues) tissues",
          found: "\(entries.count) tissues")
      }
      var firstIndex: [String: Int] = [:]
      for (index, entry) in entries.prefix(maximumTissues).enumerated() {
        guard let tissue = readTissue(entry) else { continue }
        if let first = firstIndex[tissue.name] {
          entry.report("tissue named twice (first at tissues[\(first)])", found: tissue.name)
          continue
        }
        firstIndex[tissue.name] = index
        tissues.append(tissue)
      }
    }
    guard let header, diagnostics.errors.isEmpty else {
      throw ConfigurationErrors(errors: diagnostics.errors)
    }
    return TissueLibrary(
      format: header.format, name: header.name, description: header.description, tissues: tissues)
  }

  private static func readTissue(_ value: YAMLValue) -> TissueProperties? {
    guard let tissue = value.mapping(keys: tissueKeys) else { return nil }
    let name = tissue.required("name")?.identifier
    if let description = tissue["description"] { _ = description.string }
    let conductivity = tissue.required("conductivity").flatMap {
      quantity($0, key: "s_per_m", range: 0.001...10)
    }
    let ramp = tissue.required("ramp").flatMap(readRamp)
    let coefficient = tissue.required("temperature_coefficient").flatMap {
      quantity($0, key: "per_c", range: 0...0.1)
    }
    let threshold = tissue.required("threshold").flatMap { quantity($0, key: "v_per_cm", range: 50...5000) }
    guard let name, let conductivity, let ramp, let coefficient, let threshold else { return nil }
    return TissueProperties(
      name: name, baseConductivity: SiemensPerMetre(conductivity.value), ramp: ramp.ramp,
      temperatureCoefficient: coefficient.value, threshold: VoltsPerCentimetre(threshold.value),
      sources: TissueProperties.Sources(
        baseConductivity: conductivity.source, ramp: ramp.source, temperatureCoefficient: coefficient.source,
        threshold: threshold.source))
  }

  /// `{ KEY: number, source: text }`.
  private static func quantity(
    _ value: YAMLValue, key: String, range: ClosedRange<Double>
  ) -> (value: Double, source: String)? {
    guard let mapping = value.mapping(keys: [key, "source"]) else { return nil }
    let number = mapping.required(key)?.number(in: range)
    let source = mapping.required("source").flatMap(readSource)
    guard let number, let source else { return nil }
    return (number, source)
  }

  private static func readRamp(_ value: YAMLValue) -> (ramp: ConductivityRamp, source: String)? {
    let keys = [
      "sigma_low_s_per_m", "sigma_high_s_per_m", "field_low_v_per_cm", "field_high_v_per_cm", "source",
    ]
    guard let ramp = value.mapping(keys: keys) else { return nil }
    let sigmaLow = ramp.required("sigma_low_s_per_m")?.number(in: 0.001...10)
    var sigmaHigh = ramp.required("sigma_high_s_per_m")?.number(in: 0.001...10)
    let fieldLow = ramp.required("field_low_v_per_cm")?.number(in: 0...5000)
    var fieldHigh = ramp.required("field_high_v_per_cm")?.number(in: 0...5000)
    let source = ramp.required("source").flatMap(readSource)
    if let low = sigmaLow, let high = sigmaHigh, high < low, let child = ramp["sigma_high_s_per_m"] {
      child.report(
        "must be at least sigma_low_s_per_m", allowed: ">= \(formatted(low))", found: child.written)
      sigmaHigh = nil
    }
    if let low = fieldLow, let high = fieldHigh, high <= low, let child = ramp["field_high_v_per_cm"] {
      child.report("must be above field_low_v_per_cm", allowed: "> \(formatted(low))", found: child.written)
      fieldHigh = nil
    }
    guard let sigmaLow, let sigmaHigh, let fieldLow, let fieldHigh, let source else { return nil }
    return (
      ConductivityRamp(
        low: SiemensPerMetre(sigmaLow), high: SiemensPerMetre(sigmaHigh),
        fieldLow: VoltsPerCentimetre(fieldLow),
        fieldHigh: VoltsPerCentimetre(fieldHigh)),
      source
    )
  }

  /// Where a number comes from: some text, not empty.
  private static func readSource(_ value: YAMLValue) -> String? {
    guard let text = value.string else { return nil }
    guard !text.allSatisfy({ $0 == " " || $0 == "\t" }) else {
      value.report(
        "a source is needed for every number", allowed: "the paper or dataset, as text", found: "empty text")
      return nil
    }
    return text
  }
}
