import ArgumentParser
import Controller
import Foundation
import Protocol
import Units

/// `irectl plan PROTOCOL`: the field of every pair of a protocol, the zone it kills, and how
/// well it covers the protocol's target (docs/planning.md).
struct Plan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compute the field of a protocol's pairs and the predicted ablation zone.",
    discussion: """
      Solves each pair's 3-D field in the protocol's tissue (the other probes floating), with
      conductivity rising with the field (dynamic) or fixed at the tissue's (static), and reports
      per pair the field midway between the needles, the zone along × across × height and the
      predicted current; for the protocol the zone's extents and volume, and with a target its
      coverage and margin. Warns when a pair's field between its needles falls below the
      threshold and when the target is not covered. Tissues come from the tissue library
      (firmware-config/tissues.yaml, installed as share/irectl/tissues.yaml).
      Exit 0 planned (warnings or not); 2 invalid input or usage; 3 environment problem.
      """)

  enum Conductivity: String, ExpressibleByArgument, CaseIterable {
    case `static`
    case dynamic
  }

  @Argument(help: "Treatment protocol file.")
  var protocolFile: String

  @Option(help: ArgumentHelp("Tissue of the library (default: the protocol's).", valueName: "name"))
  var tissue: String?

  @Option(
    help: ArgumentHelp(
      "Irreversible threshold, 50...5000 V/cm (default: the tissue's).", valueName: "v-per-cm"))
  var threshold: Double?

  @Option(help: "Conductivity model: static or dynamic.")
  var conductivity: Conductivity = .dynamic

  @Option(help: ArgumentHelp("Grid spacing around the needles, 0.3...2 mm.", valueName: "mm"))
  var resolution = 0.5

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Option(help: ArgumentHelp("Write the plan as a self-contained HTML page.", valueName: "plan.html"))
  var out: String?

  func run() throws {
    var request = ProtocolPlanning.Request()
    request.tissue = tissue
    request.threshold = threshold.map(VoltsPerCentimetre.init)
    request.dynamic = conductivity == .dynamic
    request.resolution = Millimetres(resolution)
    let treatment: TreatmentProtocol
    let outcome: ProtocolPlanning.Outcome
    do {
      let paths = InstalledPaths.current
      let library: TissueLibrary
      do {
        library = try TissueLibraryFile.load(path: paths.tissueLibrary)
      } catch {
        throw SessionError.environment("tissue library \(paths.tissueLibrary):\n\(error)")
      }
      do {
        let board = try BoardFile.load(path: paths.validationBoard)
        treatment = try ProtocolFile.load(path: protocolFile, board: board, tissues: library)
      } catch {
        throw SessionError.invalidInput("invalid  \(protocolFile)\n\(error)")
      }
      outcome = try ProtocolPlanning.plan(treatment, library: library, request: request)
    } catch let error as SessionError {
      TerminalWriter.say("\(error)")
      switch error {
      case .invalidInput: throw ExitCode(2)
      case .environment: throw ExitCode(3)
      }
    }
    let report = PlanReport(outcome)
    if json {
      print(try report.json())
    } else {
      show(report, name: treatment.name)
    }
    for warning in report.warnings { TerminalWriter.say("warning: \(warning)") }
    if let out {
      do {
        try PlanPage.render(outcome, treatment: treatment).write(
          toFile: out, atomically: true, encoding: .utf8)
      } catch {
        TerminalWriter.say("--out: cannot write \(out): \(error.localizedDescription)")
        throw ExitCode(3)
      }
    }
  }

  func show(_ report: PlanReport, name: String) {
    print(
      "plan \(name): tissue \(report.tissue), \(report.conductivity) conductivity, threshold"
        + " \(fixed(report.thresholdVPerCm, 0)) V/cm, grid \(fixed(report.resolutionMm, 2)) mm, \(report.solveMs) ms"
    )
    print("pair   voltage (V)  midpoint (V/cm)  along × across × height (mm)  current (A)")
    for pair in report.pairs {
      let size =
        "\(fixed(pair.zoneMm.along, 1)) × \(fixed(pair.zoneMm.across, 1)) × \(fixed(pair.zoneMm.height, 1))"
      print(
        "\(pair.anode)–\(pair.cathode)".padding(toLength: 7, withPad: " ", startingAt: 0)
          + fixed(pair.voltageV, 0).leftPadded(11) + fixed(pair.midpointFieldVPerCm, 0).leftPadded(17)
          + size.leftPadded(30) + fixed(pair.currentA, 1).leftPadded(13))
    }
    let extent = report.zone.extentMm
    print(
      "zone: \(fixed(extent.x, 1)) × \(fixed(extent.y, 1)) × \(fixed(extent.z, 1)) mm (x × y × z),"
        + " \(fixed(report.zone.volumeMl, 2)) ml")
    if let coverage = report.coveragePct, let margin = report.marginMm {
      print("target: \(fixed(coverage, 1)) % covered, margin \(fixed(margin, 1)) mm")
    }
  }

  func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    count >= width ? " " + self : String(repeating: " ", count: width - count) + self
  }
}
