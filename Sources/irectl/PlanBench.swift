import ArgumentParser
import Controller
import Foundation

extension Bench {
  /// `irectl bench plan`: the planner's time, memory and iterations, against a plain method.
  struct PlanBench: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "plan",
      abstract: "Time the treatment planner on the liver-4probe-box plan.",
      discussion: """
        Plans the protocol as `irectl plan` does (dynamic conductivity, 0.5 mm) and reports its
        time, the grids' memory and the process's peak resident set, and the iterations of each
        pair; then solves the first pair once more on the same grid with the tissue's static
        conductivity, by the multigrid-preconditioned and by the plain conjugate gradient, as a
        ratio. Also prints the midpoint field of two long needles against the exact 2-D
        solution under refinement, and the published porcine-liver lesions against their plans
        (docs/planning.md).
        """)

    @Option(help: "Protocol to plan.")
    var protocolFile: String = InstalledPaths.current.shippedProtocol("liver-4probe-box")

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
      #if DEBUG
        TerminalWriter.say(
          "the planner is built optimised in every configuration; the rest of a debug build is not")
      #endif
      let paths = InstalledPaths.current
      let report: PlanBenchmark.Report
      do {
        report = try PlanBenchmark.run(
          protocolPath: protocolFile, boardPath: paths.validationBoard, libraryPath: paths.tissueLibrary)
      } catch {
        TerminalWriter.say("\(error)")
        throw ExitCode(2)
      }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        return
      }
      let plan = report.plan
      print(
        "plan \(plan.protocolName): \(plan.pairs) pairs, dynamic, \(f(plan.resolutionMm, 2)) mm, \(plan.nodes) nodes:"
          + " \(f(plan.seconds, 3)) s")
      print(
        "memory: grids \(f(Double(plan.gridBytes) / 1e6, 1)) MB, peak resident \(f(Double(plan.peakRSSBytes) / 1e6, 1)) MB"
      )
      print(
        "iterations per pair: \(plan.iterations.map(String.init).joined(separator: " "))"
          + " (in \(plan.solves.map(String.init).joined(separator: " ")) solves)")
      print("seconds per pair's solve: \(plan.pairSeconds.map { f($0, 3) }.joined(separator: " "))")
      let c = report.comparison
      print("one static solve of the first pair, same grid and tolerance:")
      print(
        "  multigrid-preconditioned CG: \(c.multigridIterations) iterations, \(f(c.multigridSeconds, 3)) s")
      print("  plain CG:                    \(c.plainIterations) iterations, \(f(c.plainSeconds, 3)) s")
      print("  plain / preconditioned: time \(f(c.timeRatio, 1))×, iterations \(f(c.iterationRatio, 1))×")
      print("two long 19 G needles, 15 mm, 2250 V, against the exact 2-D midpoint field:")
      print("  grid (mm)  midpoint (V/cm)  exact (V/cm)  error (%)")
      for row in report.refinement {
        print(
          "  " + f(row.resolutionMm, 2).padding(toLength: 11, withPad: " ", startingAt: 0)
            + f(row.midpointVPerCm, 1).padding(toLength: 17, withPad: " ", startingAt: 0)
            + f(row.exactVPerCm, 1).padding(toLength: 14, withPad: " ", startingAt: 0) + f(row.errorPct, 2))
      }
      print("published porcine-liver lesions (along × across × height, mm) against the plan:")
      for row in report.published {
        let height = row.heightErrorMm.map { f($0, 1) } ?? "–"
        print(
          "  \(row.source), \(f(row.voltageV, 0)) V: measured \(row.measured), planned \(row.planned);"
            + " planned − measured: along \(f(row.alongErrorMm, 1)), across \(f(row.acrossErrorMm, 1)),"
            + " height \(height)")
      }
    }

    func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
  }
}
