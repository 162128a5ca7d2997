import Foundation
import Planning
import Protocol
import Record
import Units

/// The zone of a recorded session as planned and as delivered, for its report.
///
/// Both are computed again from the plan's inputs the session kept (tissue, grid, the library
/// and the protocol by their SHA-256): planned with the protocol's voltages, delivered with the
/// mean peak voltage measured on each pair's therapy pulses, from the pairs that received all
/// of them. A pair stopped or aborted before its last therapy pulse contributes nothing to the
/// delivered zone: how much of its share its partial pulses killed is not known (the threshold
/// is that of a full protocol), so the report shows that share as not achieved rather than
/// guess. A uniform change of conductivity would not move the zone of a pair held at a fixed
/// voltage; the measured voltage does.
///
/// The files must be the session's own: a protocol or library that changed since (another
/// SHA-256) is not used, and the report says why it shows no zones.
public enum DeliveredZones {
  /// Fills `data.zones`, or `data.zonesUnavailable` with the reason it could not. The protocol
  /// is read from `protocolPath` when given (a file moved since the session: it must still have
  /// the session's SHA-256), else from where the session found it.
  public static func attach(
    to data: inout ReportData, protocolPath: String? = nil, paths: InstalledPaths = .current
  ) {
    do {
      data.zones = try compare(
        data, protocolPath: protocolPath ?? data.session.protocolFile, libraryPath: paths.tissueLibrary,
        fallbackBoard: paths.validationBoard)
    } catch {
      data.zonesUnavailable = error.reason
    }
  }

  struct Unavailable: Error {
    var reason: String
  }

  static func compare(
    _ data: ReportData, protocolPath: String, libraryPath: String, fallbackBoard: String
  ) throws(Unavailable) -> ZoneComparison {
    let session = data.session
    guard let inputs = session.planInputs else {
      throw Unavailable(reason: "the session was recorded without the plan's inputs (before they were kept)")
    }
    guard let protocolData = FileManager.default.contents(atPath: protocolPath) else {
      throw Unavailable(reason: "the protocol file \(protocolPath) cannot be read (irectl report --protocol)")
    }
    guard TreatmentRecord.sha256(of: Array(protocolData)) == session.protocolSHA256 else {
      throw Unavailable(
        reason:
          "the protocol file \(protocolPath) is not the one the session ran: changed since, or another file (another SHA-256)"
      )
    }
    guard let libraryData = FileManager.default.contents(atPath: libraryPath) else {
      throw Unavailable(reason: "the tissue library \(libraryPath) cannot be read")
    }
    guard TreatmentRecord.sha256(of: Array(libraryData)) == inputs.tissueLibrarySHA256 else {
      throw Unavailable(
        reason:
          "the tissue library \(libraryPath) is not the one the session was planned with (another SHA-256)")
    }
    let treatment: TreatmentProtocol
    let library: TissueLibrary
    do {
      library = try TissueLibraryFile.decode(
        yaml: String(decoding: libraryData, as: UTF8.self), file: libraryPath)
      let boardPath =
        FileManager.default.isReadableFile(atPath: session.boardFile) ? session.boardFile : fallbackBoard
      let board = try BoardFile.load(path: boardPath)
      treatment = try ProtocolFile.decode(
        yaml: String(decoding: protocolData, as: UTF8.self), file: protocolPath, board: board,
        tissues: library)
    } catch {
      throw Unavailable(reason: "the session's files do not decode now: \(error)")
    }
    var request = ProtocolPlanning.Request()
    request.tissue = inputs.tissue
    request.resolution = Millimetres(inputs.resolutionMm)
    let clock = ContinuousClock()
    let start = clock.now
    let planned: ProtocolPlanning.Outcome
    do {
      planned = try ProtocolPlanning.plan(treatment, library: library, request: request)
    } catch {
      throw Unavailable(reason: "the plan cannot be computed: \(error)")
    }

    // Each pair as delivered: its therapy pulses and their measured voltage.
    var delivered = treatment
    delivered.pairs = []
    var measured: [(count: Int, voltage: Double?)] = []
    /// Each pair's place among the delivered ones (a protocol may drive the same pair twice).
    var place: [Int: Int] = [:]
    for (index, pair) in treatment.pairs.enumerated() {
      let pulses = data.pulses.filter { $0.pair == index && $0.kind == "therapy" }
      let volts = pulses.compactMap { $0.voltageV.map(Swift.abs) }.filter { $0 > 0 }
      let mean = volts.isEmpty ? nil : volts.reduce(0, +) / Double(volts.count)
      measured.append((pulses.count, mean))
      if pulses.count >= treatment.therapy.pulses, let mean {
        var changed = pair
        changed.voltage = Volts(mean)
        place[index] = delivered.pairs.count
        delivered.pairs.append(changed)
      }
    }
    // Each delivered pair with the ramp fitted to its own current rise, where the fit settled on
    // it inside its range: how this tissue responded, not the library's average.
    let fits = fits(treatment, data: data, tissue: planned.tissue)
    var deliveredRequest = request
    deliveredRequest.pairHighConductivity = [SiemensPerMetre?](repeating: nil, count: delivered.pairs.count)
    for (index, fit) in fits.enumerated() {
      if let fit, fit.isUsed, let at = place[index] {
        deliveredRequest.pairHighConductivity[at] = SiemensPerMetre(fit.highSPerM)
      }
    }
    var deliveredOutcome: ProtocolPlanning.Outcome?
    if !delivered.pairs.isEmpty {
      do {
        deliveredOutcome = try ProtocolPlanning.plan(delivered, library: library, request: deliveredRequest)
      } catch {
        throw Unavailable(reason: "the delivered zone cannot be computed: \(error)")
      }
    }
    let plannedReport = PlanReport(planned)
    let deliveredReport = deliveredOutcome.map(PlanReport.init)
    var pairs: [ZoneComparison.Pair] = []
    for (index, pair) in treatment.pairs.enumerated() {
      let plan = plannedReport.pairs[index]
      let done = place[index].flatMap { deliveredReport?.pairs[$0] }
      pairs.append(
        ZoneComparison.Pair(
          label: pair.label, plannedVoltageV: pair.voltage.value,
          measuredVoltageV: measured[index].voltage.map { PlanReport.rounded($0, 1) },
          therapyDelivered: measured[index].count, therapyPlanned: treatment.therapy.pulses,
          planned: size(plan.zoneMm), delivered: done.map { size($0.zoneMm) }, fit: fits[index]))
    }
    var notes: [String] = []
    if inputs.plannerVersion != TreatmentPlanner.version {
      notes.append(
        "computed by planner version \(TreatmentPlanner.version); the session was planned with version \(inputs.plannerVersion)"
      )
    }
    for pair in pairs where pair.complete && pair.measuredVoltageV == nil {
      notes.append("pair \(pair.label): no voltage was measured on its therapy pulses")
    }
    for pair in pairs where pair.delivered != nil && pair.fit?.isUsed != true {
      let why =
        pair.fit == nil
        ? "no current rise measured to fit"
        : pair.fit?.withinRange == false
          ? "the measured rise is beyond the fit's range" : "the fit did not settle"
      notes.append("pair \(pair.label): its delivered zone uses the library's σ(E) ramp (\(why))")
    }
    var comparison = ZoneComparison(
      tissue: plannedReport.tissue, thresholdVPerCm: plannedReport.thresholdVPerCm,
      resolutionMm: inputs.resolutionMm, plannerVersion: TreatmentPlanner.version, pairs: pairs,
      planned: zone(plannedReport), delivered: deliveredReport.map(zone) ?? .none,
      hasTarget: treatment.target != nil, notes: notes,
      solveMs: Int(((clock.now - start) / .milliseconds(1)).rounded()))
    comparison.planeSVG = drawing(planned, delivered: deliveredOutcome, treatment: treatment)
    comparison.libraryHighSPerM = planned.tissue.ramp.high.value
    comparison.fitResolutionMm = fitResolution.value
    return comparison
  }

  /// The grid the ramp fits are solved on: a fit takes several solves per pair, and the rise (a
  /// ratio of two currents on the same grid) moves by about 1 % from 0.5 mm to 2 mm.
  static let fitResolution = Millimetres(1.5)

  /// Each pair's σ(E) ramp fitted to its measured current rise: the current per volt of its last
  /// therapy pulse over that of its first test pulse, the pair at the voltage measured on that
  /// last pulse, the library's ramp with its high end moved (`TreatmentPlanner.fitHighConductivity`).
  /// `nil` for a pair that did not receive all its therapy pulses or has no test pulse measured.
  static func fits(
    _ treatment: TreatmentProtocol, data: ReportData, tissue: TissueProperties
  ) -> [ZoneComparison.RampFit?] {
    var rises: [Double?] = []
    var measured = treatment
    for index in treatment.pairs.indices {
      let pulses = data.pulses.filter { $0.pair == index }.sorted { $0.index < $1.index }
      let therapy = pulses.filter { $0.kind == "therapy" }
      // The first and last pulses that were measured (a pulse whose read-back failed has none).
      func reading(_ pulse: ReportData.Pulse) -> (current: Double, voltage: Double)? {
        guard let current = pulse.currentA, let voltage = pulse.voltageV, current != 0, voltage != 0 else {
          return nil
        }
        return (Swift.abs(current), Swift.abs(voltage))
      }
      guard therapy.count >= treatment.therapy.pulses,
        let first = pulses.lazy.filter({ $0.kind == "test" }).compactMap(reading).first,
        let last = therapy.reversed().lazy.compactMap(reading).first
      else {
        rises.append(nil)
        continue
      }
      rises.append((last.current / last.voltage) / (first.current / first.voltage))
      measured.pairs[index].voltage = Volts(last.voltage)
    }
    let none = [ZoneComparison.RampFit?](repeating: nil, count: treatment.pairs.count)
    guard rises.contains(where: { $0 != nil }) else { return none }
    var options = PlanningOptions()
    options.resolution = fitResolution
    guard let layout = try? measured.probeLayout(),
      let fits = try? TreatmentPlanner.fitHighConductivity(
        layout: layout, ramp: tissue.ramp, rises: rises, options: options)
    else { return none }
    return fits.map { fit in
      fit.map {
        ZoneComparison.RampFit(
          measuredRise: $0.measuredRise, highSPerM: $0.high.value, withinRange: $0.withinRange,
          converged: $0.converged)
      }
    }
  }

  /// The probe plane with the edge of each zone: planned dashed grey, delivered solid black.
  static func drawing(
    _ planned: ProtocolPlanning.Outcome, delivered: ProtocolPlanning.Outcome?, treatment: TreatmentProtocol
  ) -> String {
    let threshold = planned.plan.threshold.value
    let plane = planned.plan.field.probePlane()
    var outlines = [
      PlanPage.Outline(segments: plane.contour(at: threshold), colour: "#888", width: 2, dash: "6 4")
    ]
    if let delivered {
      outlines.append(
        PlanPage.Outline(
          segments: delivered.plan.field.probePlane().contour(at: threshold), colour: "#000", width: 2.4,
          dash: nil))
    }
    return PlanPage.svg(
      plane, threshold: threshold, horizontalLabel: "x (mm)", verticalLabel: "y (mm)",
      probes: PlanPage.planeProbes(treatment), target: PlanPage.planeTarget(treatment.target),
      outlines: outlines)
  }

  static func size(_ size: PlanReport.PairSize) -> ZoneComparison.PairSize {
    ZoneComparison.PairSize(along: size.along, across: size.across, height: size.height)
  }

  static func zone(_ report: PlanReport) -> ZoneComparison.Zone {
    ZoneComparison.Zone(
      volumeMl: report.zone.volumeMl,
      extentMm: [report.zone.extentMm.x, report.zone.extentMm.y, report.zone.extentMm.z],
      coveragePct: report.coveragePct, marginMm: report.marginMm)
  }
}
