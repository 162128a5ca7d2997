import ArgumentParser
import Controller
import Foundation

/// `irectl selftest [--board FILE]`: is this board fit to treat?
struct SelfTestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "selftest",
    abstract: "Check a Linux board: lines, chips, safe state, real-time scheduling.",
    discussion: """
      Never charges the bank and never fires. Exit status: 0 fit to treat; 1 not fit (the table
      says why); 2 invalid input; 3 environment problem.
      """)

  @Option(help: "The board file (its backend must be linux).")
  var board: String = InstalledPaths.current.boardFile

  func run() throws {
    let report: SelfTest.Report
    do {
      report = try SelfTest.run(boardPath: board)
    } catch let error as SessionError {
      TerminalWriter.say("\(error)")
      if case .environment = error { throw ExitCode(3) }
      throw ExitCode(2)
    } catch {
      TerminalWriter.say("\(error)")
      throw ExitCode(2)
    }
    print(report.table)
    // For irectl info: when the board was last found fit (or not), and by whom.
    let state = InstalledPaths.current.selftestStateForWriting(board: board)
    do {
      try SelfTestVerdict(report: report, boardPath: board).save(to: state)
    } catch {
      TerminalWriter.say("the verdict could not be kept for irectl info: \(error)")
    }
    if !report.fitToTreat { throw ExitCode(1) }
  }
}
