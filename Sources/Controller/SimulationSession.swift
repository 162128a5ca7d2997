import Foundation
import HAL
import Protocol
import Record
import Safety
import Sequencer
import Simulator
import Units

/// One `irectl simulate` run: the protocol on the simulated board, with the scripted operator,
/// progress on standard error, the summary and the record where asked.
public struct SimulationOptions: Sendable {
  public var protocolPath: String
  public var boardPath: String
  public var seed: UInt64
  public var pace: SimulatedClock.Pace
  public var heartRate: Double?
  public var rrFile: String?
  public var heartAnomalies: HeartAnomalies
  /// Faults to inject (`--fault`).
  public var faults: [FaultSpec]
  /// What the scripted operator does at given moments (`--operator`).
  public var operatorActs: [OperatorAct] = []
  /// The scripted operator clears the causes of a latched fault, acknowledges and goes on.
  public var resumeAfterFault: Bool
  /// How long the scripted operator waits out a pause whose cause does not go away.
  public var pauseLimit: Nanoseconds
  public var summaryPath: String?
  public var recordPath: String?
  /// Where the simulated pulse board keeps its own pulse count (survives a kill).
  public var simulatorCounterPath: String?
  public var showProgress: Bool
  /// Where consoles connect (`irectl monitor`); real-time runs only. A path the user gave that
  /// cannot be opened stops the run before it starts.
  public var telemetryPath: String?
  public var telemetryRequired = false
  /// Called once the telemetry socket listens (`simulate --monitor` starts its console then).
  public var telemetryReady: (@Sendable () -> Void)?
  /// Where the session's statements go (the operator's terminal, standard error).
  public var log: @Sendable (String) -> Void

  public init(
    protocolPath: String, boardPath: String, seed: UInt64 = 1, pace: SimulatedClock.Pace = .fast,
    heartRate: Double? = nil, rrFile: String? = nil, heartAnomalies: HeartAnomalies = .none,
    faults: [FaultSpec] = [], resumeAfterFault: Bool = false, pauseLimit: Nanoseconds = .seconds(60),
    summaryPath: String? = nil, recordPath: String? = nil,
    showProgress: Bool = true, log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.protocolPath = protocolPath
    self.boardPath = boardPath
    self.seed = seed
    self.pace = pace
    self.heartRate = heartRate
    self.rrFile = rrFile
    self.heartAnomalies = heartAnomalies
    self.faults = faults
    self.resumeAfterFault = resumeAfterFault
    self.pauseLimit = pauseLimit
    self.summaryPath = summaryPath
    self.recordPath = recordPath
    self.showProgress = showProgress
    self.log = log
  }
}

/// Why a run could not start or finish normally; each maps to an exit status of `irectl`.
public enum SessionError: Error, CustomStringConvertible {
  /// Bad input (a file, an option): exit 2.
  case invalidInput(String)
  /// The environment (a path not writable, a backend not available): exit 3.
  case environment(String)

  public var description: String {
    switch self {
    case .invalidInput(let text), .environment(let text): text
    }
  }
}

/// What a finished run produced.
public struct SimulationResult {
  public var outcome: TreatmentOutcome
  public var summary: TreatmentSummary
  public var table: String
  /// Every pulse listed, as the sequencer announced it (scheduled and fired instants).
  public var pulses: [DeliveredPulse]
  /// The session the run wrote into the record (`nil` without a record).
  public var recordSession: String?
  /// The simulator's own count of pulses delivered, to judge the controller's by.
  public var simulatorPulseCount: Int
  /// The bank voltage when the run ended.
  public var finalBankVoltage: Volts
  public var board: SimulatedBoard
}

public enum SimulationSession {
  /// The pulses the protocol of `options` delivers when nothing interrupts it (its files read
  /// and validated as a run reads them).
  public static func plannedPulses(_ options: SimulationOptions) throws -> Int {
    try SimulationInputs(options).plan.totalPulses
  }

  /// Loads the files, builds the simulated board and runs the treatment. `prepare` may change
  /// the board before the run (tests use it to schedule faults); `attach` sees the sequencer
  /// before it starts (to send it commands).
  ///
  /// Every output the user asked for is checked before the first pulse (a summary path that
  /// cannot be written fails now, not after ten minutes of treatment), and whatever ends the
  /// run, the record and the summary are written before the error is reported.
  public static func run(
    _ options: SimulationOptions, prepare: (SimulatedBoard) -> Void = { _ in },
    attach: (TreatmentSequencer) -> Void = { _ in }
  ) throws -> SimulationResult {
    let inputs = try SimulationInputs(options)
    let board = inputs.board
    let plan = inputs.plan
    if let path = options.summaryPath { try checkWritable(path, what: "summary") }
    let simulated = SimulatedBoard(
      description: board, settings: inputs.settings, pace: options.pace, seed: options.seed,
      rhythm: inputs.rhythm, anomalies: options.heartAnomalies)
    // Faults and acts still waiting when the session ends are dropped: they capture the board.
    defer { simulated.dropPendingActions() }
    simulated.place(plan)
    simulated.footswitchA = true
    simulated.footswitchB = true
    // What the caller prepares comes first: an action it schedules at the same moment as an
    // injected fault sees the board before the fault takes effect.
    prepare(simulated)
    for fault in options.faults { simulated.inject(fault) }
    if let path = options.simulatorCounterPath {
      do { try simulated.persistCount(to: path) } catch {
        throw SessionError.environment(String(describing: error))
      }
    }
    let scripted = ScriptedOperator(
      patience: options.pauseLimit, resumeAfterFault: options.resumeAfterFault,
      clearCauses: { simulated.clearInjectedFaults() })
    let running = RunningSequencer()
    for act in options.operatorActs {
      if act.kind == .acknowledge { scripted.willAcknowledge() }
      simulated.schedule(act.when) {
        let now = simulated.clock.now
        switch act.kind {
        case .pause: running.sequencer?.inbox.push(.pause)
        case .abort: running.sequencer?.inbox.push(.abort(reason: "abort told by --operator \(act)"))
        case .resume: scripted.resume(at: now)
        case .acknowledge: scripted.acknowledge(at: now)
        }
      }
    }

    let execution = TreatmentExecution(
      plan: plan, board: board,
      generator: PulseGenerator(
        board: board, gpio: simulated.gpio, bus: simulated.bus, clock: simulated.clock),
      treatmentOperator: scripted,
      backend: "simulator", realtime: options.pace == .realtime ? board.timing : nil, enforceRealtime: false,
      virtualTime: options.pace == .fast, protocolPath: options.protocolPath, boardPath: options.boardPath,
      operatorName: "scripted operator (simulator)", seed: options.seed,
      summaryPath: options.summaryPath, recordPath: options.recordPath, showProgress: options.showProgress,
      telemetryPath: options.pace == .realtime ? options.telemetryPath : nil,
      telemetryRequired: options.telemetryRequired, telemetryReady: options.telemetryReady,
      boardCounts: { (simulated.pulsesDelivered, simulated.spontaneousPulses) }, log: options.log)
    options.log("SIMULATOR: \(plan.name) on \(board.name), seed \(options.seed), \(options.pace.rawValue)")
    let result = try execution.run(attach: {
      running.sequencer = $0
      attach($0)
    }) { error, now, delivered in
      // A recorded RR series that ran out ends the run as aborted, and is the user's input error.
      guard let exhausted = error as? Heart.SeriesExhausted else { throw error }
      return (
        .aborted(reason: exhausted.description, at: now, pulseIndex: delivered),
        .invalidInput("\(options.rrFile ?? "--rr-file"): \(exhausted)")
      )
    }
    let outcome = result.outcome
    let summary = result.summary
    let collector = result.collector
    let end = simulated.clock.now
    return SimulationResult(
      outcome: outcome, summary: summary,
      table: PairTable.render(plan: plan, pulses: collector.pulses, skipped: collector.skipped),
      pulses: collector.pulses, recordSession: result.session,
      simulatorPulseCount: simulated.pulsesDelivered, finalBankVoltage: simulated.charger.voltage(at: end),
      board: simulated)
  }

  /// Fails now if `path` cannot be written, rather than after the treatment.
  static func checkWritable(_ path: String, what: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw SessionError.environment("cannot write the \(what) \(path): \(String(cString: strerror(errno)))")
    }
    close(fd)
  }
}

/// The sequencer of the run, once it exists: what the operator's acts reach it through.
private final class RunningSequencer {
  var sequencer: TreatmentSequencer?
}

/// The files and options of a simulation, read and checked.
struct SimulationInputs {
  var board: BoardDescription
  var settings: SimulatorSettings
  var plan: TreatmentProtocol
  var rhythm: Heart.Rhythm?

  init(_ options: SimulationOptions) throws {
    board = try BoardFile.load(path: options.boardPath)
    guard board.backend == .simulator, let settings = board.simulator else {
      throw SessionError.environment(
        "\(options.boardPath): board backend is \"\(board.backend.rawValue)\"; irectl simulate needs a board file"
          + " whose backend is \"simulator\" (the Linux backend is not part of this build)")
    }
    self.settings = settings
    plan = try ProtocolFile.load(path: options.protocolPath, board: board)
    if let rate = options.heartRate {
      guard (20...250).contains(rate) else {
        throw SessionError.invalidInput(
          "--heart-rate: allowed 20...250 beats per minute; found \(formatted(rate))")
      }
      self.settings.heart.rateBPM = rate
    }
    rhythm = try options.rrFile.map { Heart.Rhythm.recorded(try RRSeries.load(path: $0)) }
  }
}

extension SafetyLimits {
  /// A pulse whose peak voltage falls below this fraction of the set-point has collapsed.
  public static let voltageCollapseFraction = 0.8

  /// The limits of a protocol on a board: the protocol's current limits, the board's interlock
  /// thresholds.
  public init(plan: TreatmentProtocol, board: BoardDescription) {
    let interlocks = board.interlocks
    self.init(
      maxCurrent: min(plan.limits.maxCurrent, board.limits.maxCurrent),
      maxCurrentJump: plan.limits.maxCurrentJump,
      minCurrent: plan.limits.minCurrent, testCurrent: plan.test.currentRange,
      bankVoltageTolerance: interlocks.bankVoltageTolerance, bankHoldBeats: interlocks.bankHoldBeats,
      voltageCollapseFraction: SafetyLimits.voltageCollapseFraction,
      footswitchDisagree: interlocks.footswitchDisagree.nanoseconds,
      temperaturePause: interlocks.temperaturePause, temperatureResume: interlocks.temperatureResume,
      temperatureFault: interlocks.temperatureFault,
      minFireInterval: .seconds(1 / board.limits.maxPulseRate.value))
  }
}
