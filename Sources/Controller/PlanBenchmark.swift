import Foundation
import Planning
import Protocol
import Units

/// `irectl bench plan`: the planner on this machine. The shipped liver-4probe-box planned as
/// `irectl plan` plans it (6 pairs, dynamic conductivity, 0.5 mm), its time, memory and
/// iterations; then, in the same run on the same grid, one linear solve of its first pair by
/// the multigrid-preconditioned conjugate gradient and by the plain one, as a ratio; the
/// midpoint field of two long needles against the exact 2-D solution under refinement; and the
/// published porcine-liver lesions against the plan of their experiments.
public enum PlanBenchmark {
  public struct Report: Codable, Sendable {
    public var plan: PlanRun
    public var comparison: Comparison
    public var refinement: [Refinement]
    public var published: [Published]
  }

  public struct PlanRun: Codable, Sendable {
    public var protocolName: String
    public var pairs: Int
    public var resolutionMm: Double
    public var nodes: Int
    public var seconds: Double
    public var iterations: [Int]
    public var solves: [Int]
    /// Each pair's solve alone (the two threads solve two pairs at a time).
    public var pairSeconds: [Double]
    /// The grids the solvers held (all threads), and the process's peak resident set.
    public var gridBytes: Int
    public var peakRSSBytes: Int
  }

  /// One linear solve (first pair, the tissue's static conductivity, same tolerance, same grid),
  /// timed from assembly to field: the grid's construction and the zone's measurement, the same
  /// for both, are left out.
  public struct Comparison: Codable, Sendable {
    public var multigridIterations: Int
    public var multigridSeconds: Double
    public var plainIterations: Int
    public var plainSeconds: Double
    public var timeRatio: Double
    public var iterationRatio: Double
  }

  public struct Refinement: Codable, Sendable {
    public var resolutionMm: Double
    public var midpointVPerCm: Double
    public var exactVPerCm: Double
    public var errorPct: Double
  }

  public struct Published: Codable, Sendable {
    public var source: String
    public var voltageV: Double
    public var measured: String
    public var planned: String
    /// Planned minus measured mean, mm (height `nil` where the paper gives none).
    public var alongErrorMm: Double
    public var acrossErrorMm: Double
    public var heightErrorMm: Double?
  }

  public static func run(protocolPath: String, boardPath: String, libraryPath: String) throws -> Report {
    let library = try TissueLibraryFile.load(path: libraryPath)
    let treatment = try ProtocolFile.load(
      path: protocolPath, board: BoardFile.load(path: boardPath), tissues: library)
    let outcome = try ProtocolPlanning.plan(treatment, library: library, request: ProtocolPlanning.Request())
    let plan = outcome.plan
    let run = PlanRun(
      protocolName: treatment.name, pairs: plan.pairs.count, resolutionMm: outcome.resolution.value,
      nodes: plan.gridNodes, seconds: plan.solveTime / .seconds(1),
      iterations: plan.pairs.map(\.solution.statistics.iterations),
      solves: plan.pairs.map(\.solution.statistics.solves),
      pairSeconds: plan.pairs.map(\.solution.statistics.seconds), gridBytes: plan.gridBytes,
      peakRSSBytes: peakResidentBytes())
    let comparison = try compare(treatment, tissue: outcome.tissue)
    return Report(
      plan: run, comparison: comparison, refinement: try refinement(),
      published: try published(library[TissueLibrary.defaultTissue]))
  }

  static func compare(_ treatment: TreatmentProtocol, tissue: TissueProperties) throws -> Comparison {
    let layout = try treatment.probeLayout()
    guard let first = layout.pairs.first else {
      throw SessionError.invalidInput("the protocol has no pair to compare")
    }
    let single = try ProbeLayout(needles: layout.needles, pairs: [first])
    var results: [(iterations: Int, seconds: Double)] = []
    for preconditioned in [true, false] {
      var options = PlanningOptions()
      options.threads = 1
      options.preconditioned = preconditioned
      options.maximumIterations = 100_000
      let plan = try TreatmentPlanner.plan(
        layout: single, conductivity: tissue.conductivity(dynamic: false), threshold: tissue.threshold,
        options: options)
      let statistics = plan.pairs.first?.solution.statistics ?? SolveStatistics()
      results.append((statistics.iterations, statistics.seconds))
    }
    return Comparison(
      multigridIterations: results[0].iterations, multigridSeconds: results[0].seconds,
      plainIterations: results[1].iterations, plainSeconds: results[1].seconds,
      timeRatio: results[1].seconds / results[0].seconds,
      iterationRatio: Double(results[1].iterations) / Double(Swift.max(results[0].iterations, 1)))
  }

  /// Two 19 G needles 15 mm apart at 2250 V, exposed over 240 mm, uniform conductivity: the
  /// midpoint field in the plane z = 0 against V / (b · arccosh(h / a)).
  static func refinement() throws -> [Refinement] {
    let (voltage, radius, spacing) = (2250.0, NeedleGauge.standard.radius.value, 15.0)
    let b = ((spacing / 2) * (spacing / 2) - radius * radius).squareRoot()
    let exact = voltage / (b * acosh(spacing / 2 / radius)) * 10
    let needles = [0.0, spacing].enumerated().map {
      Needle(
        id: $0.offset + 1, x: Millimetres($0.element), y: .zero, exposure: Millimetres(240),
        radius: Millimetres(radius))
    }
    let layout = try ProbeLayout(
      needles: needles, pairs: [NeedlePair(anode: 1, cathode: 2, voltage: Volts(voltage))])
    return try [1.0, 0.7, 0.5].map { resolution in
      var options = PlanningOptions()
      options.resolution = Millimetres(resolution)
      options.farDistance = Millimetres(300)
      let plan = try TreatmentPlanner.plan(
        layout: layout, conductivity: .uniform(SiemensPerMetre(0.1)), threshold: VoltsPerCentimetre(600),
        options: options)
      let midpoint = plan.pairs.first?.midpointField.value ?? 0
      return Refinement(
        resolutionMm: resolution, midpointVPerCm: midpoint, exactVPerCm: exact,
        errorPct: (midpoint / exact - 1) * 100)
    }
  }

  static func published(_ liver: TissueProperties?) throws -> [Published] {
    guard let liver else { throw SessionError.invalidInput("the tissue library has no liver") }
    return try PublishedLesion.porcineLiver.map { lesion in
      let plan = try TreatmentPlanner.plan(
        layout: lesion.layout(), conductivity: liver.conductivity(dynamic: true), threshold: liver.threshold)
      let zone = plan.pairs.first?.zone ?? PairZone(along: .zero, across: .zero, height: .zero)
      func measured(_ m: PublishedLesion.Measured?) -> String {
        m.map { String(format: "%.0f ± %.0f", $0.mean, $0.deviation) } ?? "–"
      }
      return Published(
        source: lesion.source, voltageV: lesion.voltage.value,
        measured: "\(measured(lesion.along)) × \(measured(lesion.across)) × \(measured(lesion.height))",
        planned: String(format: "%.1f × %.1f × %.1f", zone.along.value, zone.across.value, zone.height.value),
        alongErrorMm: zone.along.value - lesion.along.mean,
        acrossErrorMm: zone.across.value - lesion.across.mean,
        heightErrorMm: lesion.height.map { zone.height.value - $0.mean })
    }
  }

  /// The process's peak resident set (getrusage: kilobytes on Linux, bytes on Darwin).
  static func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Int(usage.ru_maxrss) * 1024
    #else
      getrusage(RUSAGE_SELF, &usage)
      return Int(usage.ru_maxrss)  // bytes on Darwin
    #endif
  }
}
