import HAL
import LinuxBackend
import Protocol
import Record
import Sequencer
import Telemetry
import Units

/// `irectl treat`: a treatment on a real board through the Linux backend (libgpiod, libi2c,
/// CLOCK_MONOTONIC), with the timing thread under SCHED_FIFO and locked memory where the board
/// file requires it. The operator has armed it at the terminal before this runs.
public struct HardwareOptions: Sendable {
  public var protocolPath: String
  public var boardPath: String
  public var summaryPath: String?
  public var recordPath: String?
  /// How long a pause may last before the treatment is aborted.
  public var pauseLimit: Nanoseconds
  public var showProgress: Bool
  public var operatorName: String
  /// Where consoles connect; `nil`: the default place, and the treatment goes on without
  /// consoles if it cannot be opened.
  public var telemetryPath: String?
  /// Where consoles connect when `telemetryPath` does not say.
  public var defaultTelemetryPath = TelemetryLocation.defaultPath()
  public var log: @Sendable (String) -> Void

  public init(
    protocolPath: String, boardPath: String, summaryPath: String? = nil, recordPath: String? = nil,
    pauseLimit: Nanoseconds = .seconds(60), showProgress: Bool = true, operatorName: String,
    log: @escaping @Sendable (String) -> Void
  ) {
    self.protocolPath = protocolPath
    self.boardPath = boardPath
    self.summaryPath = summaryPath
    self.recordPath = recordPath
    self.pauseLimit = pauseLimit
    self.showProgress = showProgress
    self.operatorName = operatorName
    self.log = log
  }
}

/// How a treatment on the board ended, and its summary.
public struct HardwareResult {
  public var outcome: TreatmentOutcome
  public var summary: TreatmentSummary
}

public enum HardwareSession {
  /// The board and protocol files, read and checked, before anything is armed.
  public static func load(_ options: HardwareOptions) throws -> (BoardDescription, TreatmentProtocol) {
    let board = try BoardFile.load(path: options.boardPath)
    guard board.backend == .linux else {
      throw SessionError.invalidInput(
        "\(options.boardPath): board backend is \"\(board.backend.rawValue)\"; irectl treat drives a Linux board"
          + " (use irectl simulate for the simulator)")
    }
    return (board, try ProtocolFile.load(path: options.protocolPath, board: board))
  }

  /// Sessions of the record that a crash left open (closed now as interrupted) and that no
  /// operator has acknowledged yet: the operator must, before a new treatment. Sessions left
  /// open whose chain does not verify are not closed; they are told too, with where the chain
  /// breaks, every time until someone deals with the record.
  public static func unacknowledgedInterruptions(record path: String) throws -> [String] {
    do {
      let record = try TreatmentRecord(path: path)
      // A record another treatment is writing is refused here, before the operator arms.
      try record.claimForTreatment()
      let recovery = try record.recoverInterrupted()
      let interrupted = try record.unacknowledgedInterruptions().map { session in
        let found = recovery.closed.first { $0.session == session }
        return found.map {
          "\(session) (\($0.protocolName)): between \($0.delivered.lowerBound) and \($0.delivered.upperBound) pulses delivered"
        } ?? session
      }
      return interrupted + recovery.unverified.map(\.description)
    } catch { throw SessionError.environment(String(describing: error)) }
  }

  /// Requests the lines, opens the bus and runs the treatment; every output is driven safe and
  /// every line released however it ends.
  /// `board` and `plan` are what `load` gave, and what the operator was shown and armed: the
  /// files are not read again.
  public static func run(
    _ options: HardwareOptions, board: BoardDescription, plan: TreatmentProtocol,
    attach: (TreatmentSequencer) -> Void = { _ in }
  ) throws -> HardwareResult {
    let gpio: LinuxGPIO
    let bus: LinuxSMBus
    do {
      gpio = try LinuxGPIO.open(board.gpio)
      bus = try LinuxSMBus(bus: board.i2c.bus)
    } catch { throw SessionError.environment("\(options.boardPath): \(error)") }
    defer { gpio.close() }
    options.log("HARDWARE: \(plan.name) on \(board.name), i2c bus \(bus.path)")
    let terminal = TerminalOperator(patience: options.pauseLimit, say: options.log)
    terminal.start()
    var execution = TreatmentExecution(
      plan: plan, board: board,
      generator: PulseGenerator(board: board, gpio: gpio, bus: bus, clock: SystemClock()),
      treatmentOperator: terminal,
      backend: "linux", realtime: board.timing, enforceRealtime: true, virtualTime: false,
      protocolPath: options.protocolPath, boardPath: options.boardPath, operatorName: options.operatorName,
      seed: nil, summaryPath: options.summaryPath, recordPath: options.recordPath,
      showProgress: options.showProgress,
      telemetryPath: options.telemetryPath ?? options.defaultTelemetryPath,
      telemetryRequired: options.telemetryPath != nil, log: options.log)
    execution.extraObservers = [terminal]
    let result = try execution.run(attach: attach)
    return HardwareResult(outcome: result.outcome, summary: result.summary)
  }
}
