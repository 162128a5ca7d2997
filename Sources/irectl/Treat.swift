import ArgumentParser
import Controller
import Foundation
import Protocol
import Telemetry

/// `irectl treat PROTOCOL [--board FILE]`: a treatment on the real board.
struct Treat: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a treatment protocol on a Linux board (real lines and chips).",
    discussion: """
      The protocol and board are checked, then the operator arms the generator by typing ARM on
      the terminal; anything else, or the end of input, leaves it disarmed and nothing fires.
      Exit status: 0 completed; 1 ended safe but incomplete; 2 invalid input; 3 environment
      problem (a line, the bus, real-time scheduling).
      """)

  @Argument(help: "The treatment protocol file.")
  var protocolFile: String

  @Option(help: "The board file (its backend must be linux).")
  var board: String = InstalledPaths.current.boardFile

  @Option(name: .customLong("summary-json"), help: "Write the summary as one JSON object to this path.")
  var summaryJSON: String?

  @Option(
    help: ArgumentHelp(
      "The treatment record (SQLite).",
      discussion:
        "Default: the board's shared record, \(InstalledPaths.current.sharedRecord), where its directory exists;"
        + " else \(RecordLocation.defaultPath())."))
  var record: String = InstalledPaths.current.treatmentRecord()

  @Option(name: .customLong("pause-limit"), help: "Seconds a pause may last before the treatment is aborted.")
  var pauseLimit = 60.0

  @Option(
    name: .customLong("telemetry-socket"),
    help: ArgumentHelp(
      "Where consoles connect (irectl monitor).",
      discussion:
        "Default: \(InstalledPaths.current.treatmentSocket()) (the board's, in \(InstalledPaths.current.runtimeDirectory),"
        + " where that directory exists; else the user's). The treatment goes on without consoles if the default"
        + " cannot be opened; a socket named here must open."))
  var telemetrySocket: String?

  @Option(name: .customLong("operator"), help: "The operator's name, for the record.")
  var operatorName = "operator at the terminal"

  func run() throws {
    guard pauseLimit.isFinite, (1...3600).contains(pauseLimit) else {
      report("--pause-limit: allowed 1...3600 seconds; found \(pauseLimit)")
      throw ExitCode(2)
    }
    var options = HardwareOptions(
      protocolPath: protocolFile, boardPath: board, summaryPath: summaryJSON, recordPath: record,
      pauseLimit: .seconds(pauseLimit), operatorName: operatorName,
      log: { TerminalWriter.say($0) })
    // The default socket is tried, and the treatment goes on without consoles if it cannot be
    // opened; a socket the operator named must open.
    options.telemetryPath = telemetrySocket
    options.defaultTelemetryPath = InstalledPaths.current.treatmentSocket()
    let board: BoardDescription
    let plan: TreatmentProtocol
    do {
      (board, plan) = try HardwareSession.load(options)
      // A session a crash left open is the operator's to acknowledge, before anything else.
      let interrupted = try HardwareSession.unacknowledgedInterruptions(record: record)
      if !interrupted.isEmpty {
        report("the record has sessions that did not end:")
        for line in interrupted { report("  \(line)") }
        report("Type ACK and Enter to acknowledge them:")
        guard readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) == "ACK" else {
          report("not acknowledged: nothing was charged or fired")
          throw ExitCode(1)
        }
      }
      let pulses = plan.pairs.count * (plan.test.pulses + plan.therapy.pulses)
      report(
        "HARDWARE: \(plan.name) on \(board.name): \(plan.pairs.count) pair(s), \(pulses) pulses."
          + " Type ARM and Enter to arm the generator:")
      guard readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) == "ARM" else {
        report("not armed: nothing was charged or fired")
        throw ExitCode(1)
      }
    } catch let code as ExitCode { throw code } catch { try fail(error) }

    SignalRelay.blockTerminationSignals()
    let result: HardwareResult
    do {
      result = try HardwareSession.run(options, board: board, plan: plan, attach: SignalRelay.relay(to:))
    } catch { try fail(error) }
    let summary = result.summary
    print("HARDWARE  protocol \(summary.protocol)  outcome \(summary.outcome)")
    print("delivered \(summary.pulses.count) pulses, skipped \(summary.skipped.count) beats")
    if let text = result.outcome.incompleteReport(hardwareError: summary.hardwareError) {
      report(text)
      throw ExitCode(1)
    }
  }

  private func fail(_ error: any Error) throws -> Never {
    report(String(describing: error))
    if case .environment = error as? SessionError { throw ExitCode(3) }
    throw ExitCode(2)
  }

  private func report(_ text: String) {
    TerminalWriter.say(text)
  }
}
