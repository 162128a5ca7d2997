import ArgumentParser
import Controller
import Foundation
import Protocol

/// `irectl validate FILE...`: checks protocol and board files without moving anything.
struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check protocol and board files (exit 0 all valid, 2 any invalid).",
    discussion: """
      Each FILE is recognised as a board file (it has gpio, base or backend at its top level), a
      tissue library (it has tissues) or a treatment protocol. Protocols are checked against the board given with --board, whose
      limits (voltage, current, pulse rate, pulse counts) they must respect, and their tissue
      against the planner's tissue library (firmware-config/tissues.yaml, installed as
      share/irectl/tissues.yaml). A valid protocol is planned on a 1.5 mm grid and the planner's
      warnings are printed (a pair too weak for a confluent lesion, a target not covered); they
      never make the file invalid.
      """)

  @Argument(help: "Protocol or board files.")
  var files: [String]

  @Option(
    help: ArgumentHelp(
      "Board file whose limits protocols are checked against.",
      discussion:
        "Default: this machine's board (\(InstalledPaths.current.boardFile)) where it has one, else the simulated reference board."
    ))
  var board: String = InstalledPaths.current.validationBoard

  func run() throws {
    var invalid = 0
    var boardDescription: BoardDescription?
    var library: TissueLibrary?
    for file in files {
      do {
        switch try ConfigurationFileKind.detect(path: file) {
        case .board:
          let description = try BoardFile.load(path: file)
          print("valid  \(file)  (board \(description.name), backend \(description.backend.rawValue))")
        case .tissueLibrary:
          let library = try TissueLibraryFile.load(path: file)
          print("valid  \(file)  (tissue library \(library.name): \(library.names.joined(separator: ", ")))")
        case .treatmentProtocol:
          if boardDescription == nil { boardDescription = try BoardFile.load(path: board) }
          if library == nil {
            library = try TissueLibraryFile.load(path: InstalledPaths.current.tissueLibrary)
          }
          guard let boardDescription, let library else { continue }
          let plan = try ProtocolFile.load(path: file, board: boardDescription, tissues: library)
          print(
            "valid  \(file)  (protocol \(plan.name): \(plan.pairs.count) pairs, \(plan.totalPulses) pulses,"
              + " checked against board \(boardDescription.name))")
          warnPlanning(plan, library: library, file: file)
        }
      } catch {
        invalid += 1
        TerminalWriter.write("invalid  \(file)\n\(error)\n")
      }
    }
    if invalid > 0 { throw ExitCode(2) }
  }

  /// The planner's warnings for a valid protocol, on a coarse grid: warnings, never errors (a
  /// weak pair or an uncovered target is the physician's call, not the file's fault).
  func warnPlanning(_ treatment: TreatmentProtocol, library: TissueLibrary, file: String) {
    do {
      let outcome = try ProtocolPlanning.plan(treatment, library: library, request: .validation)
      for warning in outcome.plan.warnings { print("warning  \(file)  (planner, 1.5 mm grid): \(warning)") }
    } catch {
      print("warning  \(file)  (planner): not planned: \(error)")
    }
  }
}
