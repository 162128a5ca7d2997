import HAL
import LinuxBackend
import Protocol
import Sequencer
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

  /// Requests the lines, opens the bus and runs the treatment; every output is driven safe and
  /// every line released however it ends.
  public static func run(_ options: HardwareOptions, attach: (TreatmentSequencer) -> Void = { _ in }) throws
    -> HardwareResult
  {
    let (board, plan) = try load(options)
    let gpio: LinuxGPIO
    let bus: LinuxSMBus
    do {
      gpio = try LinuxGPIO.open(board.gpio)
      bus = try LinuxSMBus(bus: board.i2c.bus)
    } catch { throw SessionError.environment("\(options.boardPath): \(error)") }
    defer { gpio.close() }
    options.log("HARDWARE: \(plan.name) on \(board.name), i2c bus \(bus.path)")
    let execution = TreatmentExecution(
      plan: plan, board: board,
      generator: PulseGenerator(board: board, gpio: gpio, bus: bus, clock: SystemClock()),
      treatmentOperator: ScriptedOperator(patience: options.pauseLimit, resumeAfterFault: false),
      backend: "linux", realtime: board.timing, enforceRealtime: true, virtualTime: false,
      protocolPath: options.protocolPath, boardPath: options.boardPath, operatorName: options.operatorName,
      seed: nil, summaryPath: options.summaryPath, recordPath: options.recordPath,
      showProgress: options.showProgress, log: options.log)
    let result = try execution.run(attach: attach)
    return HardwareResult(outcome: result.outcome, summary: result.summary)
  }
}
