import Planning

/// Treatment protocol files (PROTOCOL-FORMAT.md, formats 1 and 2), decoded and validated against a
/// board.
///
/// Format 2 adds what the planner needs, all optional: each probe's `gauge`, the `tissue` (a name
/// of the tissue library) and a `target`. A format 1 file means what it always meant; the new
/// keys in it are errors that say they need format 2.
///
/// Every rule of the format is checked, and every problem of the file is reported at once, each
/// with its line, column and key path. A protocol that decodes is safe to hand to the sequencer:
/// its pairs are resolved (spacing, voltage, exposure) and all of its numbers lie within the
/// board's limits.
public enum ProtocolFile {
  static let topKeys = [
    "format", "name", "description", "probes", "pulse", "sync", "test", "therapy", "limits", "pairs",
    "tissue", "target",
  ]
  /// The formats this controller reads.
  static let formats = [1, 2]

  /// `tissues`, when given, is the library the protocol's tissue must be one of; without it the
  /// tissue's name is checked for its form only.
  public static func load(
    path: String, board: BoardDescription, tissues: TissueLibrary? = nil
  ) throws -> TreatmentProtocol {
    try decode(YAMLDocument.load(path: path), board: board, tissues: tissues)
  }

  public static func decode(
    yaml: String, file: String, board: BoardDescription, tissues: TissueLibrary? = nil
  ) throws -> TreatmentProtocol {
    try decode(YAMLDocument.compose(yaml: yaml, file: file), board: board, tissues: tissues)
  }

  static func decode(
    _ document: YAMLDocument, board: BoardDescription, tissues: TissueLibrary?
  ) throws(ConfigurationErrors) -> TreatmentProtocol {
    let diagnostics = document.diagnostics
    let root = YAMLValue(node: document.root, path: "", diagnostics: diagnostics)
    guard let top = root.mapping(keys: topKeys) else {
      throw ConfigurationErrors(errors: diagnostics.errors)
    }
    let header = FileHeader(top, supported: formats)
    let probeList = top.required("probes").map { Probe.readList($0, format: header?.format) }
    let (tissue, target) = readPlanning(top, format: header?.format, tissues: tissues)
    let pulse = top.required("pulse").flatMap(PulseShape.read)
    let sync = top.required("sync").flatMap { Synchronisation.read($0, board: board) }
    let limits = top.required("limits").flatMap { CurrentLimits.read($0, board: board) }
    let test = top.required("test").flatMap {
      TestPulses.read($0, maxCurrent: limits?.maxCurrent.value)
    }
    let therapy = top.required("therapy").flatMap(Therapy.read)
    let pairs = top.required("pairs").flatMap {
      ProbePair.readList(
        $0, probes: probeList?.valid == true ? probeList?.probes : nil, field: pulse?.field,
        board: board)
    }
    guard let header, let probes = probeList?.probes, let pulse, let sync, let limits, let test,
      let therapy, let pairs, let tissue, diagnostics.errors.isEmpty
    else {
      throw ConfigurationErrors(errors: diagnostics.errors)
    }
    let treatment = TreatmentProtocol(
      format: header.format, name: header.name, description: header.description, probes: probes,
      pulse: pulse, sync: sync, test: test, therapy: therapy, limits: limits, pairs: pairs, tissue: tissue,
      target: target)
    checkTotals(treatment, top: top, board: board)
    guard diagnostics.errors.isEmpty else { throw ConfigurationErrors(errors: diagnostics.errors) }
    return treatment
  }

  /// `tissue` (default: the library's default) and `target`, both format 2. The tissue is `nil`
  /// when it is unusable (reported).
  private static func readPlanning(
    _ top: YAMLMapping, format: Int?, tissues: TissueLibrary?
  ) -> (tissue: String?, target: Ellipsoid?) {
    if format == 1 {
      for key in ["tissue", "target"] where top.has(key) { top.reject(key, "\(key) needs format: 2") }
      return (TissueLibrary.defaultTissue, nil)
    }
    var tissue: String? = TissueLibrary.defaultTissue
    if let value = top["tissue"] {
      tissue = value.identifier
      if let name = tissue, let tissues, tissues[name] == nil {
        value.report("unknown tissue", allowed: tissues.names.joined(separator: ", "), found: name)
        tissue = nil
      }
    }
    return (tissue, top["target"].flatMap(Ellipsoid.read))
  }

  /// Pulse counts against the board's limits, and a train's duration against the shortest
  /// time between two triggers. Counts are pulses, every pulse of a train counted; with trains,
  /// each count must be whole trains, since one trigger fires one whole train.
  private static func checkTotals(
    _ treatment: TreatmentProtocol, top: YAMLMapping, board: BoardDescription
  ) {
    let train = treatment.pulse.train
    if train.pulses > 1 {
      let counts = [
        ("test", "pulses", treatment.test.pulses), ("therapy", "pulses", treatment.therapy.pulses),
        ("therapy", "set_size", treatment.therapy.setSize),
      ]
      for (section, key, count) in counts where count % train.pulses != 0 {
        top[section]?.lookup(key)?.report(
          "must be whole trains: a trigger fires all \(train.pulses) pulses of pulse.train",
          allowed: "a multiple of \(train.pulses)", found: "\(count)")
      }
    }
    let perPair = treatment.test.pulses + treatment.therapy.pulses
    if perPair > board.limits.maxPulsesPerPair, let pulses = top["therapy"]?.lookup("pulses") {
      pulses.report(
        "too many pulses per pair for the board: test + therapy",
        allowed: "<= \(board.limits.maxPulsesPerPair)", found: "\(perPair)")
    }
    if treatment.totalPulses > board.limits.maxPulsesPerTreatment, let pairs = top["pairs"] {
      pairs.report(
        "too many pulses in the treatment for the board: pairs × (test + therapy)",
        allowed: "<= \(board.limits.maxPulsesPerTreatment)", found: "\(treatment.totalPulses)")
    }
    let shortestInterval: Double =
      switch treatment.sync {
      case .ecg(let gating): Double(gating.minRR.value) * 1000
      case .fixedRate(let rate): 1e6 / rate.value
      }
    let duration = train.duration(width: treatment.pulse.width).microseconds
    if train.pulses > 1, duration >= shortestInterval, let trainValue = top["pulse"]?.lookup("train") {
      trainValue.report(
        "the train lasts longer than the shortest time between two triggers",
        allowed: "< \(Int(shortestInterval)) µs", found: "\(Int(duration)) µs")
    }
  }
}
