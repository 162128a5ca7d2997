import Foundation
import HAL
import Protocol
import Record
import Safety
import Sequencer
import Units

/// What a treatment run is, whatever board it runs on: the sequencer on the timing thread, its
/// events drained into the summary, the progress line and the record, then the summary and the
/// record closed whatever ended the run. `irectl simulate` and `irectl treat` differ only in the
/// board they hand it (and in how the operator is played).
struct TreatmentExecution {
  var plan: TreatmentProtocol
  var board: BoardDescription
  var generator: PulseGenerator
  var treatmentOperator: any TreatmentOperator
  /// "simulator" or "linux": in the summary and the record.
  var backend: String
  /// Real-time scheduling to ask for (nil: run on an ordinary thread, as the fast simulator).
  var realtime: TimingSettings?
  /// Refuse to fire without real-time scheduling when the board file requires it. Never on the
  /// simulator, which says so instead.
  var enforceRealtime: Bool
  /// Virtual time may wait for the disk and for the drain; real time never does.
  var virtualTime: Bool
  var protocolPath: String
  var boardPath: String
  var operatorName: String
  var seed: UInt64?
  var summaryPath: String?
  var recordPath: String?
  var showProgress: Bool
  var log: @Sendable (String) -> Void

  /// How a run ended, with what it produced.
  struct Result {
    var outcome: TreatmentOutcome
    var summary: TreatmentSummary
    var collector: SummaryCollector
  }

  /// Runs the treatment. `ready` sees the timing thread's real-time status before the first
  /// pulse and may refuse to go on by throwing (the sequencer is then aborted before it fires);
  /// `abandon` turns an error the sequencer threw into an outcome, where the caller knows how.
  func run(
    attach: (TreatmentSequencer) -> Void,
    abandon: (any Error, Instant, Int) throws -> (TreatmentOutcome, SessionError?) = { error, _, _ in
      throw error
    }
  ) throws -> Result {
    if let path = summaryPath { try SimulationSession.checkWritable(path, what: "summary") }
    let clock = generator.clock
    let origin = clock.now
    let collector = SummaryCollector(plan: plan, origin: origin)
    let progress = showProgress ? ProgressReporter(plan: plan, origin: origin) : nil
    let gate = IntentGate(waitForDisk: virtualTime)
    let identity = RecordIdentity(
      backend: backend, protocolPath: protocolPath, boardPath: boardPath, operatorName: operatorName,
      seed: seed)
    let record = try recordPath.map {
      try TreatmentExecution.openRecord(
        $0, identity, plan: plan, board: board, origin: origin, gate: gate, log: log)
    }
    let observers: [(any TreatmentObserver)?] = [collector, progress, record]
    let publisher = EventPublisher(
      capacity: 1 << 16, waitWhenFull: virtualTime, gate: recordPath == nil ? nil : gate)
    let sequencer = TreatmentSequencer(
      plan: plan, generator: generator, operator: treatmentOperator, observer: publisher,
      limits: SafetyLimits(plan: plan, board: board))
    if record != nil { sequencer.intentGate = gate }
    attach(sequencer)
    let run = TimingRun(sequencer: sequencer, realtime: realtime)
    let required = enforceRealtime && (realtime?.requireRealtime ?? false)
    let allowance =
      run.status.inForce || run.status.notRequested
      ? ""
      : required
        ? "; required by the board file: no pulse will fire"
        : enforceRealtime ? "" : "; allowed on the simulator"
    log("timing thread: \(run.status)\(allowance)")
    if required && !run.status.inForce {
      sequencer.commands.push(
        .abort(reason: "real-time scheduling is required by the board file and not in force"))
    }

    var failure: SessionError?
    var outcome: TreatmentOutcome
    do {
      outcome = try run.finish(draining: publisher.ring, into: ObserverGroup(observers.compactMap { $0 }))
    } catch {
      (outcome, failure) = try abandon(error, clock.now, collector.pulses.count)
    }
    progress?.finish()
    let end = clock.now
    record?.close(outcome: outcome, delivered: collector.pulses.count)
    let summary = collector.summary(backend: backend, outcome: outcome, seed: seed, end: end)
    if let path = summaryPath {
      do {
        try summary.json().write(to: URL(fileURLWithPath: path), options: .atomic)
      } catch {
        throw SessionError.environment("cannot write the summary \(path): \(error.localizedDescription)")
      }
    }
    if let failure { throw failure }
    if let problem = record?.failure, let path = recordPath {
      throw SessionError.environment("writing the record \(path) failed: \(problem); it is incomplete")
    }
    if publisher.lostEvents > 0 {
      throw SessionError.environment(
        "\(publisher.lostEvents) treatment events were lost: the record and summary are incomplete")
    }
    return Result(outcome: outcome, summary: summary, collector: collector)
  }

  /// Opens the record, closes any session a crash left open (telling the operator, who must
  /// acknowledge it before a new treatment), and starts this session in it.
  static func openRecord(
    _ path: String, _ identity: RecordIdentity, plan: TreatmentProtocol, board: BoardDescription,
    origin: Instant, gate: IntentGate, log: (String) -> Void
  ) throws -> RecordWriter {
    let operatorName = identity.operatorName
    do {
      let record = try TreatmentRecord(path: path)
      for interrupted in try record.recoverInterrupted() {
        log(
          "record: session \(interrupted.session) (\(interrupted.protocolName)) did not end: closed as interrupted,"
            + " between \(interrupted.delivered.lowerBound) and \(interrupted.delivered.upperBound) pulses delivered"
        )
      }
      for session in try record.unacknowledgedInterruptions() {
        try record.acknowledgeInterrupted(session, by: operatorName)
        log("record: interrupted session \(session) acknowledged by \(operatorName)")
      }
      let info = SessionInfo(
        id: UUID().uuidString.lowercased(), backend: identity.backend,
        simulated: identity.backend == "simulator",
        device: board.name, boardFile: identity.boardPath,
        boardSHA256: try TreatmentRecord.sha256(ofFile: identity.boardPath),
        protocolName: plan.name, protocolFile: identity.protocolPath,
        protocolSHA256: try identity.protocolText.map { TreatmentRecord.sha256(of: Array($0.utf8)) }
          ?? TreatmentRecord.sha256(ofFile: identity.protocolPath),
        softwareVersion: Version.current, operatorName: operatorName, seed: identity.seed,
        startedAt: TreatmentRecord.timestamp(),
        setSize: plan.therapy.setSize, delayMs: plan.ecgGating.map { Double($0.delay.value) },
        windowMs: plan.ecgGating.map { Double($0.window.value) },
        pairs: plan.pairs.enumerated().map {
          SessionInfo.Pair(
            index: $0.offset, anode: $0.element.anode, cathode: $0.element.cathode,
            voltageV: $0.element.voltage.value, spacingMM: $0.element.spacing.value)
        })
      return try RecordWriter(record: record, info: info, origin: origin, gate: gate)
    } catch { throw SessionError.environment(String(describing: error)) }
  }
}

/// Who and what a record's session names: the backend, the files by path and digest, the
/// operator.
struct RecordIdentity {
  var backend: String
  var protocolPath: String
  /// The protocol's text, when it was not read from `protocolPath` (the benchmark's).
  var protocolText: String? = nil
  var boardPath: String
  var operatorName: String
  var seed: UInt64?
}
