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
    name: .customLong("repeat"),
    help: ArgumentHelp(
      "Run N fast treatments, seeds SEED...SEED+N-1, one after another in this process, into one record.",
      discussion:
        "Each prints one line: its outcome, pulses, and the process's memory, open files and record size."))
  var repeatCount: Int = 1

  @Flag(
    name: .customLong("random-interruptions"),
    help: "With --repeat: each treatment also gets a fault and an operator act drawn from its seed (a soak).")
  var randomInterruptions = false

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
      guard (1...100_000).contains(repeatCount) else {
        throw ValidationError("--repeat: allowed 1...100000 treatments; found \(repeatCount)")
      }
      if repeatCount > 1 && (speed != .fast || monitor || telemetrySocket != nil || simulatorCounter != nil) {
        throw ValidationError(
          "--repeat: runs fast treatments only; leave out --speed realtime, --monitor and --telemetry-socket")
      }
      if repeatCount > 1 && summaryJSON != nil {
        throw ValidationError("--repeat: one summary per treatment does not fit one --summary-json file")
      }
      if randomInterruptions && (repeatCount == 1 || !injected.isEmpty || !acts.isEmpty || resumeAfterFault) {
        throw ValidationError(
          "--random-interruptions: goes with --repeat N (N > 1) and draws its own --fault, --operator and"
            + " --resume-after-fault")
      }
      guard UInt64.max - seed >= UInt64(repeatCount - 1) else {
        throw ValidationError("--seed: \(seed) + --repeat \(repeatCount) passes the largest seed")
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
    if repeatCount > 1 {
      try runRepeatedly(options)
      return
    }
    let result: SimulationResult
    SignalRelay.blockTerminationSignals()
    do {
      try console?.check()
      var failed = true
      defer { console?.finish(failed: failed) }
      result = try SimulationSession.run(options, attach: SignalRelay.relay(to:))
      failed = false
    } catch {
      throw failure(error)
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

  /// `--repeat N`: the treatments one after another, each its own session in the one record,
  /// stopping at the first that cannot run (a bad input, a record that cannot be written).
  /// Exit 1 when any ended safe but incomplete.
  private func runRepeatedly(_ base: SimulationOptions) throws {
    SignalRelay.blockTerminationSignals()
    var outcomes: [String: Int] = [:]
    let planned: Int
    do { planned = try SimulationSession.plannedPulses(base) } catch { throw failure(error) }
    for index in 0..<repeatCount {
      if SignalRelay.received {
        report("stopped by a signal after \(index) of \(repeatCount) treatments")
        throw ExitCode(1)
      }
      var options = base
      options.seed = seed + UInt64(index)
      options.showProgress = false
      options.log = { _ in }
      if randomInterruptions {
        let scenario = SoakScenario.draw(seed: options.seed, pulses: planned)
        do {
          options.faults = try scenario.faults.map(FaultSpec.init(parsing:))
          options.operatorActs = try scenario.acts.map(OperatorAct.init(parsing:))
        } catch {
          throw failure(error)
        }
        options.resumeAfterFault = scenario.resumeAfterFault
      }
      let result: SimulationResult
      do {
        result = try SimulationSession.run(options, attach: SignalRelay.relay(to:))
      } catch {
        throw failure(error, in: "treatment \(index + 1) (seed \(options.seed)): ")
      }
      outcomes[result.summary.outcome, default: 0] += 1
      let process = ProcessFigures.now(record: record)
      print(
        "treatment \(index + 1)/\(repeatCount) seed \(options.seed) outcome \(result.summary.outcome)"
          + " pulses \(result.summary.pulses.count) board \(result.simulatorPulseCount)"
          + " rss_kb \(process.residentKB) fds \(process.openFiles) record_bytes \(process.recordBytes)")
    }
    let tally = outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    print("\(repeatCount) treatments: \(tally)")
    if outcomes.keys.contains(where: { $0 != "completed" }) { throw ExitCode(1) }
  }

  /// Says what ended the run and gives the exit status it means: 2 for invalid input (and
  /// configuration files that fail validation, unreadable files), 3 for the environment.
  private func failure(_ error: any Error, in context: String = "") -> ExitCode {
    guard let error = error as? SessionError else {
      report(context + String(describing: error))
      return ExitCode(2)
    }
    report(context + error.description)
    switch error {
    case .invalidInput: return ExitCode(2)
    case .environment: return ExitCode(3)
    }
  }

  private func report(_ text: String) {
    TerminalWriter.say(text)
  }
}

extension SimulatedClock.Pace: ExpressibleByArgument {}
