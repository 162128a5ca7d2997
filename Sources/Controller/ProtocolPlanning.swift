import Planning
import Protocol
import Units

/// A decoded protocol planned with a tissue of the library: what `irectl plan` prints and draws,
/// and what `irectl validate` warns about (on a coarser grid).
public enum ProtocolPlanning {
  /// What the command line may change; `nil` keeps the protocol's (its tissue, that tissue's
  /// threshold).
  public struct Request: Sendable, Equatable {
    public var tissue: String?
    public var threshold: VoltsPerCentimetre?
    public var dynamic = true
    public var resolution = Millimetres(0.5)
    /// Pair i's high-field conductivity where given (a zone as delivered: the ramp fitted to the
    /// pair's measured current rise), the tissue's ramp otherwise. Ignored with static
    /// conductivity, which has no ramp: a uniform σ does not move a pair's field.
    public var pairHighConductivity: [SiemensPerMetre?] = []
    public init() {}

    /// The grid `irectl validate` plans on: coarse enough for well under a second per file.
    public static var validation: Request {
      var request = Request()
      request.resolution = Millimetres(1.5)
      return request
    }

    /// The grid a treatment report computes its planned and delivered zones on (kept in the
    /// record with the session): coarse enough for a report in a few seconds, fine enough that
    /// the planned and delivered zones differ by what was delivered, not by the grid.
    public static var delivered: Request {
      var request = Request()
      request.resolution = Millimetres(1)
      return request
    }
  }

  /// Allowed by the command line (finer grids need more memory than a board has to spare).
  public static let thresholdRange = 50.0...5000.0
  public static let resolutionRange = 0.3...2.0

  /// A plan with the tissue it was made for.
  public struct Outcome: Sendable {
    public var plan: TreatmentPlan
    public var tissue: TissueProperties
    public var resolution: Millimetres
  }

  /// Each pair's predicted current (σ(E) settled, the protocol's tissue from the library at
  /// `libraryPath`), on `validation`'s grid and one thread: what the console shows beside the
  /// measured one. No zone is measured (a fraction of a second for six pairs). `nil` when the
  /// library cannot be read, lacks the tissue, or the plan fails: the treatment does not depend
  /// on it.
  public static func plannedCurrents(_ treatment: TreatmentProtocol, libraryPath: String) -> [Amperes]? {
    guard let library = try? TissueLibraryFile.load(path: libraryPath), let tissue = library[treatment.tissue]
    else { return nil }
    var options = PlanningOptions()
    options.resolution = Request.validation.resolution
    options.threads = 1  // computed beside a treatment: a core stays the controller's
    guard let layout = try? treatment.probeLayout(),
      let conductances = try? TreatmentPlanner.conductances(
        layout: layout, ramp: tissue.ramp, options: options)
    else { return nil }
    return conductances.map { Amperes($0.settled * $0.pair.voltage.value) }
  }

  /// Plans `treatment`; a bad option or an unknown tissue is `SessionError.invalidInput`, named
  /// by its option.
  public static func plan(
    _ treatment: TreatmentProtocol, library: TissueLibrary, request: Request
  ) throws(SessionError) -> Outcome {
    let name = request.tissue ?? treatment.tissue
    guard let tissue = library[name] else {
      let known = library.names.joined(separator: ", ")
      throw .invalidInput("--tissue: unknown tissue (allowed: \(known); found: \(name))")
    }
    if let threshold = request.threshold?.value, !thresholdRange.contains(threshold) {
      throw .invalidInput("--threshold: allowed 50...5000 V/cm; found \(threshold)")
    }
    guard resolutionRange.contains(request.resolution.value) else {
      throw .invalidInput("--resolution: allowed 0.3...2 mm; found \(request.resolution.value)")
    }
    var options = PlanningOptions()
    options.resolution = request.resolution
    do {
      let own: [ConductivityModel?] =
        request.dynamic
        ? request.pairHighConductivity.map { $0.map { .fieldDependent(tissue.ramp.withHigh($0)) } } : []
      let plan = try TreatmentPlanner.plan(
        layout: treatment.probeLayout(), conductivity: tissue.conductivity(dynamic: request.dynamic),
        pairConductivity: own, threshold: request.threshold ?? tissue.threshold, target: treatment.target,
        options: options)
      return Outcome(plan: plan, tissue: tissue, resolution: request.resolution)
    } catch {
      throw .invalidInput("\(error)")
    }
  }
}
