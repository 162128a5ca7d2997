import Atomics
import Foundation
import HAL
import Planning
import Protocol
import Record
import Safety
import Sequencer
import Telemetry
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
  /// Where consoles connect (`nil`: no telemetry). A socket that cannot be opened stops the run
  /// before it starts when `telemetryRequired`, and is reported and done without otherwise.
  var telemetryPath: String? = nil
  var telemetryRequired = false
  var telemetryReady: (@Sendable () -> Void)? = nil
  /// The board's own count of the pulses it delivered, answered and spontaneous, when the board
  /// can tell (the simulator); read once the run has ended, for the summary.
  var boardCounts: (() -> (answered: Int, spontaneous: Int))? = nil
  /// Observers of the run's events besides the summary, the progress line, the record and the
  /// telemetry (on the draining thread): the operator at a terminal, who is told of pauses.
  var extraObservers: [any TreatmentObserver] = []
  var log: @Sendable (String) -> Void

  /// How a run ended, with what it produced.
  struct Result {
    var outcome: TreatmentOutcome
    var summary: TreatmentSummary
    var collector: SummaryCollector
    /// The session this run wrote into the record, if it had one.
    var session: String?
  }

  /// Runs the treatment. Where the board requires real-time scheduling (and `enforceRealtime`),
  /// it is tried first on a probe thread, and the run does not start without it. `abandon` turns
  /// an error the sequencer threw into an outcome, where the caller knows how.
  func run(
    attach: (TreatmentSequencer) -> Void,
    abandon: (any Error, Instant, Int) throws -> (TreatmentOutcome, SessionError?) = { error, _, _ in
      throw error
    }
  ) throws -> Result {
    if let path = summaryPath { try SimulationSession.checkWritable(path, what: "summary") }
    if enforceRealtime, let realtime, realtime.requireRealtime {
      let status = TimingThread.probe(realtime)
      guard status.inForce else {
        throw SessionError.environment(
          "real-time scheduling is required by the board file and not available (\(status));"
            + " nothing was charged or fired")
      }
    }
    let clock = generator.clock
    let origin = clock.now
    let collector = SummaryCollector(plan: plan, origin: origin)
    let progress = showProgress ? ProgressReporter(plan: plan, origin: origin) : nil
    let gate = IntentGate(waitForDisk: virtualTime)
    let telemetry = try openTelemetry(origin: origin)
    defer { telemetry?.server.stop() }
    let log: (String) -> Void = { [log] text in
      log(text)
      telemetry?.log(text, at: clock.now)
    }
    let identity = RecordIdentity(
      backend: backend, protocolPath: protocolPath, boardPath: boardPath, operatorName: operatorName,
      seed: seed)
    let record = try recordPath.map {
      try TreatmentExecution.openRecord(
        $0, identity, plan: plan, board: board, origin: origin, gate: gate, log: log)
    }
    // The consoles' planned currents, on another thread once the session is on record: nothing
    // the planner computes delays the start.
    if let telemetry {
      TelemetryPublisher.publishPlannedCurrents(
        of: plan, libraryPath: InstalledPaths.current.tissueLibrary, to: telemetry.server)
    }
    let observers: [(any TreatmentObserver)?] = [collector, progress, record, telemetry] + extraObservers
    let publisher = EventPublisher(
      capacity: 1 << 16, waitWhenFull: virtualTime, gate: recordPath == nil ? nil : gate)
    let sequencer = TreatmentSequencer(
      plan: plan, generator: generator, operator: treatmentOperator, observer: publisher,
      limits: SafetyLimits(plan: plan, board: board))
    if record != nil { sequencer.intentGate = gate }
    let sideClock = UncheckedClock(clock: clock)
    let side = SideEvents(now: { sideClock.now })
    if let telemetry { listen(to: telemetry.server, inbox: sequencer.inbox, side: side) }
    attach(sequencer)
    let run = TimingRun(sequencer: sequencer, realtime: realtime)
    let allowance =
      run.status.inForce || run.status.notRequested || enforceRealtime ? "" : "; allowed on the simulator"
    log("timing thread: \(run.status)\(allowance)")

    var failure: SessionError?
    var outcome: TreatmentOutcome
    do {
      outcome = try run.finish(
        draining: publisher.ring, into: ObserverGroup(observers.compactMap { $0 }), side: side,
        heartbeat: telemetry.map { telemetry in { telemetry.heartbeat(at: clock.now) } },
        idle: virtualTime ? 20 : 500)
    } catch {
      (outcome, failure) = try abandon(error, clock.now, collector.pulses.count)
    }
    progress?.finish()
    let end = clock.now
    var summary = collector.summary(backend: backend, outcome: outcome, seed: seed, end: end)
    if let counts = boardCounts?() {
      summary.boardCount = counts.answered
      summary.boardSpontaneous = counts.spontaneous
    }
    // The sequencer's own count of the pulses it listed is the upper bound: were events lost on
    // their way here (real time, a drain far behind), the summary would be short of it.
    let listed = collector.delivered
    record?.close(
      outcome: outcome, delivered: listed.lowerBound...max(listed.upperBound, sequencer.delivered))
    telemetry?.ended(outcome, at: end)
    telemetry?.server.flush()
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
    return Result(outcome: outcome, summary: summary, collector: collector, session: record?.session.id)
  }

  /// The telemetry socket and its publisher, or `nil` when none was asked for or (not required)
  /// it could not be opened.
  private func openTelemetry(origin: Instant) throws -> TelemetryPublisher? {
    guard let path = telemetryPath else { return nil }
    do {
      let server = try TelemetryServer(path: path)
      log("telemetry: consoles connect to \(path) (irectl monitor --socket \(path))")
      telemetryReady?()
      return TelemetryPublisher(server: server, plan: plan, board: board, backend: backend, origin: origin)
    } catch {
      if telemetryRequired { throw SessionError.environment("telemetry: \(error)") }
      log("telemetry: none (\(error)); the treatment goes on without consoles")
      return nil
    }
  }

  /// A console's command: pause and abort go to the timing loop; anything else is refused. Both
  /// are recorded (through `side`, with the treatment's events), except a repeat past the
  /// server's rate (a key held down, a flood): it acts like the others, and is not recorded
  /// again; and past five of a kind in a second across all clients, they are counted
  /// (`SideEvents`).
  private func listen(to server: TelemetryServer, inbox: CommandInbox, side: SideEvents) {
    let firstAbort = ManagedAtomic(true)
    server.onCommand { line, parsed, repeated in
      switch parsed {
      case .success(.pause):
        let taken = inbox.push(.pause)
        if repeated { return }
        side.addCommand(
          "pause", accepted: taken, detail: taken ? "pause asked by a console" : "the command ring is full")
      case .success(.abort(let reason)):
        // A flood of pauses from another console can fill the ring for a moment: an abort
        // waits for the timing loop to make room (it reads the ring every turn) rather than be
        // lost. Past a second the loop is stalled, and the watchdog stops it. Only the first
        // abort waits: once one is taken the treatment is stopping, and a flood of aborts must
        // not hold up the server thread.
        var taken = inbox.push(.abort(reason: "abort from a console: \(reason)"))
        let deadline = Date().addingTimeInterval(1)
        while !taken, firstAbort.load(ordering: .relaxed), Date() < deadline {
          usleep(1000)
          taken = inbox.push(.abort(reason: "abort from a console: \(reason)"))
        }
        firstAbort.store(false, ordering: .relaxed)
        if repeated { return }
        side.addCommand("abort", accepted: taken, detail: taken ? reason : "the command ring is full")
      case .failure(let refusal):
        side.addRefusal(command: refusal.command ?? line, detail: refusal.reason)
      }
    }
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
      try record.claimForTreatment()
      let recovery = try record.recoverInterrupted()
      for interrupted in recovery.closed {
        log(
          "record: session \(interrupted.session) (\(interrupted.protocolName)) did not end: closed as interrupted,"
            + " between \(interrupted.delivered.lowerBound) and \(interrupted.delivered.upperBound) pulses delivered"
        )
      }
      for unverified in recovery.unverified { log("record: \(unverified)") }
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
        }, planInputs: planInputs(plan, libraryPath: identity.tissueLibraryPath))
      return try RecordWriter(record: record, info: info, origin: origin, gate: gate)
    } catch { throw SessionError.environment(String(describing: error)) }
  }
}

extension TreatmentExecution {
  /// What the session's zones are computed from: the protocol's tissue, the library's SHA-256,
  /// the planner's version and the report's grid. `nil` when the library cannot be read: the
  /// treatment does not depend on it, only its report's zones do (which then say so).
  static func planInputs(_ plan: TreatmentProtocol, libraryPath: String?) -> PlanInputs? {
    guard let libraryPath, let text = FileManager.default.contents(atPath: libraryPath) else { return nil }
    return PlanInputs(
      tissue: plan.tissue, tissueLibrarySHA256: TreatmentRecord.sha256(of: Array(text)),
      plannerVersion: TreatmentPlanner.version,
      resolutionMm: ProtocolPlanning.Request.delivered.resolution.value)
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
  /// The planner's tissue library, whose SHA-256 the session keeps with its plan inputs.
  var tissueLibraryPath: String? = InstalledPaths.current.tissueLibrary
}

/// The run's clock read from the telemetry thread: both clocks that run with telemetry (the
/// real one, the simulator's in real time) compute `now` from CLOCK_MONOTONIC alone.
private struct UncheckedClock: @unchecked Sendable {
  let clock: any MonotonicClock
  var now: Instant { clock.now }
}
