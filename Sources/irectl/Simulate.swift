import ArgumentParser
import Controller
import Foundation
import Simulator
import Telemetry

/// `irectl simulate PROTOCOL`: a whole treatment on the simulated board, with a scripted
/// operator (footswitch held, start-up acknowledged, set reviews accepted).
struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a treatment protocol on the simulator.",
    discussion: """
      Exit status: 0 completed; 1 ended safe but incomplete (fault or abort, reason on stderr);
      2 invalid input or usage; 3 environment problem.
      """)

  @Argument(help: "The treatment protocol file.")
  var protocolFile: String

  @Option(help: "Board file; its backend must be the simulator.")
  var board: String = InstalledPaths.current.simulatorBoard

  @Option(help: "Seed of the simulated patient and generator (same seed, same run).")
  var seed: UInt64 = 1

  @Option(help: "fast: virtual time, as fast as the CPU allows; realtime: paced to the wall clock.")
  var speed: SimulatedClock.Pace = .fast

  @Option(name: .customLong("heart-rate"), help: "Simulated heart rate in beats per minute (20...250).")
  var heartRate: Double?

  @Option(
    name: .customLong("rr-file"),
    help: "Recorded RR intervals, one per line in milliseconds, replayed in order.")
  var rrFile: String?

  @Option(
    name: .customLong("heart-anomalies"),
    help: ArgumentHelp(
      "What the simulated heart and trigger monitor get wrong.", discussion: HeartAnomalies.syntax))
  var heartAnomalies: String?

  @Option(
    name: .customLong("fault"),
    help: ArgumentHelp("Inject a fault (repeatable).", discussion: FaultSpec.syntax, valueName: "spec"))
  var faults: [String] = []

  @Option(
    name: .customLong("operator"),
    help: ArgumentHelp(
      "What the scripted operator does, and when (repeatable): pause and abort as a console would,"
        + " resume and acknowledge as at the terminal.", discussion: OperatorAct.syntax, valueName: "act"))
  var operatorActs: [String] = []

  @Flag(
    name: .customLong("resume-after-fault"),
    help: "After a latched fault, the scripted operator clears the cause, acknowledges and goes on.")
  var resumeAfterFault = false

  @Option(
    name: .customLong("pause-limit"),
    help: "Seconds the scripted operator waits out a pause whose cause persists before aborting.")
  var pauseLimit = 60.0

  @Option(
    name: .customLong("telemetry-socket"),
    help: ArgumentHelp(
      "Where consoles connect (irectl monitor); real time only.",
      discussion: "Default with --speed realtime: \(TelemetryLocation.defaultPath())."))
  var telemetrySocket: String?

  @Flag(help: "Watch the treatment in the console, in this terminal (implies --speed realtime).")
  var monitor = false

  @Option(name: .customLong("summary-json"), help: "Write the summary as one JSON object to this path.")
  var summaryJSON: String?

  @Option(
    help:
      "The treatment record (SQLite), written ahead of every pulse. Default: \(RecordLocation.defaultPath())."
  )
  var record: String = RecordLocation.defaultPath()

  @Option(
    name: .customLong("simulator-counter"),
    help: ArgumentHelp(
      "Keep the simulated pulse board's own count in this file (it survives a kill, as the board's would).",
      visibility: .hidden))
  var simulatorCounter: String?

  func run() throws {
    let anomalies: HeartAnomalies
    let injected: [FaultSpec]
    let acts: [OperatorAct]
    do {
      anomalies = try heartAnomalies.map(HeartAnomalies.init(parsing:)) ?? .none
      injected = try faults.map(FaultSpec.init(parsing:))
      acts = try operatorActs.map(OperatorAct.init(parsing:))
      guard pauseLimit.isFinite, (1...3600).contains(pauseLimit) else {
        throw ValidationError("--pause-limit: allowed 1...3600 seconds; found \(pauseLimit)")
      }
      if telemetrySocket != nil && speed == .fast && !monitor {
        throw ValidationError("--telemetry-socket: consoles watch real time; add --speed realtime")
      }
    } catch {
      report(String(describing: error))
      throw ExitCode(2)
    }
    let pace = monitor ? .realtime : speed
    // The console of --monitor has a socket of its own unless one is given: it must watch this
    // run, not another that serves the default one.
    let privateSocket = NSTemporaryDirectory() + "irectl-monitor-\(getpid()).sock"
    let console = monitor ? ConsoleChild(socket: telemetrySocket ?? privateSocket) : nil
    var options = SimulationOptions(
      protocolPath: protocolFile, boardPath: board, seed: seed, pace: pace, heartRate: heartRate,
      rrFile: rrFile, heartAnomalies: anomalies, faults: injected, resumeAfterFault: resumeAfterFault,
      pauseLimit: .seconds(pauseLimit),
      summaryPath: summaryJSON, recordPath: record,
      showProgress: console == nil,
      log: { line in
        // Under the console the operator's lines wait for the console to close.
        if let console {
          console.hold(line)
        } else {
          TerminalWriter.say(line)
        }
      })
    options.simulatorCounterPath = simulatorCounter
    options.operatorActs = acts
    if pace == .realtime {
      options.telemetryPath = console?.socket ?? telemetrySocket ?? TelemetryLocation.defaultPath()
      options.telemetryRequired = telemetrySocket != nil || console != nil
    }
    if let console {
      options.telemetryReady = {
        do { try console.start() } catch { console.hold("the console did not start: \(error)") }
      }
    }
    let result: SimulationResult
    SignalRelay.blockTerminationSignals()
    do {
      try console?.check()
      var failed = true
      defer { console?.finish(failed: failed) }
      result = try SimulationSession.run(options, attach: SignalRelay.relay(to:))
      failed = false
    } catch let error as SessionError {
      report(error.description)
      switch error {
      case .invalidInput: throw ExitCode(2)
      case .environment: throw ExitCode(3)
      }
    } catch {
      // Configuration files that fail validation, unreadable files.
      report(String(describing: error))
      throw ExitCode(2)
    }
    print("SIMULATOR  protocol \(result.summary.protocol)  seed \(seed)  outcome \(result.summary.outcome)")
    print(result.table)
    print(
      "delivered \(result.summary.pulses.count) pulses (simulator counted \(result.simulatorPulseCount)),"
        + " skipped \(result.summary.skipped.count) beats, \(String(format: "%.1f", result.summary.durationMs / 1000)) s"
        + " of treatment time; bank at \(Int(result.finalBankVoltage.value.rounded())) V")
    if let text = result.outcome.incompleteReport(hardwareError: result.summary.hardwareError) {
      report(text)
      throw ExitCode(1)
    }
  }

  private func report(_ text: String) {
    TerminalWriter.say(text)
  }
}

extension SimulatedClock.Pace: ExpressibleByArgument {}
