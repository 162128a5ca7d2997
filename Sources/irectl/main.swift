import ArgumentParser
import Controller
import Foundation

/// `irectl`: the technician's command-line tool for the IRE pulse-generator controller.
///
/// Exit statuses are part of its interface: 0 done as asked; 1 the treatment ended safe but
/// incomplete (a fault or an abort, the reason on standard error); 2 invalid input or usage;
/// 3 an environment problem (a path, a backend, a permission).
struct IRECtl: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "irectl",
    abstract: "Controller for the IRE pulse generator.",
    version: Version.current,
    subcommands: [
      Validate.self, Simulate.self, Monitor.self, Treat.self, SelfTestCommand.self, Info.self, Records.self,
      Report.self, Bench.self, Plan.self,
    ])
}

/// Runs the command line, mapping every error to the documented exit status; the argument
/// parser's own usage errors become status 2.
func main() -> Never {
  // A terminal or pipe that goes away must not kill the controller: EPIPE is an error of the
  // write (which TerminalWriter drops), never a signal.
  SignalRelay.ignoreBrokenPipes()
  do {
    var command = try IRECtl.parseAsRoot()
    try command.run()
    exit(0)
  } catch let code as ExitCode {
    exit(code.rawValue)
  } catch {
    let status = IRECtl.exitCode(for: error)
    if status == .success {
      IRECtl.exit(withError: error)  // --help and --version print and exit 0
    }
    TerminalWriter.write(IRECtl.fullMessage(for: error) + "\n")
    exit(2)
  }
}

main()
