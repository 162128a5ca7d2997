import HAL
import Protocol
import Safety
import Units

/// Runs one treatment protocol on a pulse generator, pair after pair: relays switched with the
/// bank bled, charge, test pulses, therapy in sets with the protocol's polarity, one pulse per
/// valid trigger inside its window, every pulse measured and judged.
///
/// The sequencer decides *when*; the safety machine decides *whether*. Every output change
/// follows a safety state change, and `pulse_fire` is reached only through a permission from
/// the machine's fire check. Time is the injected clock's, so the same code runs on hardware,
/// in real time on the simulator, and as fast as the CPU allows on the virtual clock.
public final class TreatmentSequencer {
  public let plan: TreatmentProtocol
  let generator: PulseGenerator
  let clock: any MonotonicClock
  let operatorConsole: any TreatmentOperator
  let observer: any TreatmentObserver
  public internal(set) var machine: SafetyMachine

  /// How often inputs are polled while waiting (for a trigger, a charge, a bleed, the next
  /// fire check, a measurement): every wait reads them at least this often.
  let pollInterval = Nanoseconds.milliseconds(10)
  /// The longest the sequencer sleeps without toggling `watchdog_kick`: the external watchdog
  /// wants a toggle at 200 Hz at least (BOARD.md), so every wait is cut into slices of this.
  public let kickInterval = Nanoseconds.milliseconds(2)
  /// The external watchdog drops HV this long after the last toggle (BOARD.md).
  let watchdogTimeout = Nanoseconds.milliseconds(20)
  /// No edge later than this before the watchdog's timeout after the last kick: the write and
  /// the clock's reading of it fit in it many times over.
  let watchdogMargin = Nanoseconds.milliseconds(1)
  /// A failure after the rising edge went out (the falling edge, the beeper), kept until the
  /// edge's pulses are listed.
  var firedButFailed: HALError?
  /// The fresh check before a pulse is taken this long before its deadline: enough for the
  /// interlock inputs, the relay read-back and one ADC conversion (~1.2 ms; about 3 ms with the
  /// bus transfers at 400 kHz) with margin; the board file's `timing.fire_check_lead_us`.
  /// `irectl selftest` measures the check on the board.
  let checkLead: Nanoseconds
  /// Longest wait for the bank to bleed below the board's safe level.
  let bleedTimeout = Nanoseconds.milliseconds(2_000)

  var start: Instant
  /// Pulses listed so far (every pulse of every edge driven): the next pulse's index.
  public internal(set) var delivered = 0
  var outcome: TreatmentOutcome?
  var triggers: TriggerValidator
  var lastFire: Instant?
  /// At a fixed rate, the last moment a pulse was due, fired or skipped: a skipped beat is a
  /// period like any other, so the next is due a period after it.
  var lastFixedRateSlot: Instant?
  var kickLevel = false
  /// The readiness list as last published.
  var readiness = InterlockSet()
  var lastKick: Instant?
  /// When the interlock inputs are to be read next (`poll`).
  var nextPoll = Instant(nanoseconds: 0)
  /// Commands from other threads (a console, a signal handler), taken at every watchdog
  /// slice: a pause or an abort reaches the timing loop within 2 ms without a lock.
  let commands: SPSCRing<TreatmentCommand>
  /// Where other threads than one owner push commands (signals, consoles): one at a time.
  public let inbox: CommandInbox
  /// Says whether a pulse's intent is durable in the record; `nil` without a record.
  public var intentGate: IntentGate?
  var publishedIntent: PulseIntent?
  var temperatureShown: Instant?
  /// Where the sequencer records how late each plain sleep woke, when someone measures it.
  public var wakeLatency: LatencyRecorder?
  /// Where each pulse's way to its edge went (the timing benchmark); nil in a treatment.
  public var fireTraces: FireTraceRecorder?
  /// How long before each pulse's instant the last look starts (`LookLead`).
  public internal(set) var lookLead = LookLead()
  /// Looks timed before the first pulse, on a clock that runs on real time (`TimingRun` sets
  /// it; a virtual clock's look costs no time and its steps are the explorer's map).
  public var lookCalibrationSamples = 0
  var missedInRow = 0
  /// Pulses delivered so far on each pair, so that a pair can be resumed where it stopped.
  var pairProgress: [(test: Int, therapy: Int)]
  /// Faults the operator has recovered from in this treatment, and the most that is allowed
  /// (a cause that comes straight back is not acknowledged for ever).
  var recoveries = 0
  static let maximumRecoveries = 3
  /// The pulse whose measurement is being judged, if one is.
  var pulseUnderJudgement: Int?
  /// The index a fault found now is reported against: the pulse being judged, or the next.
  var faultPulseIndex: Int { pulseUnderJudgement ?? delivered }
  /// When delivery first paused since the last pulse went out; `nil` while pulses flow.
  var pausedSinceLastPulse: Instant?
  var heldBeats = 0
  /// The relay setting that was switched in and read back; `nil` while the relays move.
  var matrixSetting: MatrixSetting?
  var previousCurrent: Amperes?
  /// The supervisor's pulse counter as last read: each fire edge must raise it by exactly the
  /// pulses of one train, whatever happened in between.
  var counter: UInt16 = 0
  /// The set-point of the pair being treated.
  var setpoint = Volts(0)

  public init(
    plan: TreatmentProtocol, generator: PulseGenerator, operator: any TreatmentOperator,
    observer: any TreatmentObserver, limits: SafetyLimits
  ) {
    self.plan = plan
    self.generator = generator
    let commands = SPSCRing<TreatmentCommand>(capacity: 64)
    self.commands = commands
    self.inbox = CommandInbox(commands)
    self.clock = generator.clock
    self.checkLead = generator.board.timing.fireCheckLead.nanoseconds
    self.operatorConsole = `operator`
    self.observer = observer
    self.machine = SafetyMachine(limits: limits)
    self.start = generator.clock.now
    self.pairProgress = Array(repeating: (0, 0), count: plan.pairs.count)
    let minRR: Nanoseconds =
      switch plan.sync {
      case .ecg(let gating): gating.minRR.nanoseconds
      case .fixedRate: .zero
      }
    self.triggers = TriggerValidator(
      settings: .init(
        minRR: minRR, heartRate: generator.board.interlocks.heartRate,
        ectopicFraction: generator.board.interlocks.ectopicFraction))
  }

  /// Runs the whole treatment and returns how it ended. Whatever happens — completion, a fault,
  /// an abort, a thrown error — the outputs are driven safe and the bank bled before this
  /// returns or throws; a bank that does not bleed turns a completed treatment into a fault.
  public func run() throws -> TreatmentOutcome {
    start = clock.now
    let result: TreatmentOutcome
    do {
      result = try treatAllPairs()
    } catch {
      _ = finishSafe()
      throw error
    }
    guard let problem = finishSafe() else { return result }
    switch result {
    case .completed, .aborted:
      observer.treatment(.fault(problem, at: clock.now, pulseIndex: delivered))
      if case .completed = result { return .faulted(problem, at: clock.now, pulseIndex: delivered) }
      return result
    case .faulted:
      // Already ended by a fault; a bank left charged is still worth its own line.
      if problem.interlock == .bleed {
        observer.treatment(.fault(problem, at: clock.now, pulseIndex: delivered))
      }
      return result
    }
  }

  private func treatAllPairs() throws -> TreatmentOutcome {
    do {
      observer.treatment(.phase(.bringUp, pair: nil))
      try generator.bringUp()
      try generator.supervisor.setWidth(plan.pulse.width)
      try generator.supervisor.setTrain(pulses: plan.pulse.train.pulses, period: plan.pulse.train.period)
      counter = try generator.supervisor.pulseCount()
      // The last look's cost on this board, once the lines are brought up: a line that fails
      // here is a sensor fault like any other.
      for _ in 0..<lookCalibrationSamples {
        lookLead.observe(try generator.timeLastLook())
      }
      try poll()
      if case .latched(let fault) = machine.state, operatorConsole.acknowledge(fault) {
        try handle(.acknowledge)
      }
      if machine.state.fault != nil {
        // Not acknowledged: report what keeps it latched (the lid, the e-stop), not the latch.
        let cause = machine.lastInputs.flatMap { machine.causesPresent(in: $0).first } ?? .startup
        let fault = Fault(cause)
        observer.treatment(.fault(fault, at: clock.now, pulseIndex: delivered))
        return faulted(fault)
      }
      var index = 0
      while index < plan.pairs.count {
        if let ended = try treat(pair: plan.pairs[index], index: index) {
          // After a latched fault the operator may clear the cause, acknowledge and go on:
          // the same pair again, from the pulse where it stopped.
          guard case .faulted(let fault, let at, _) = ended, try recover(from: fault, latchedAt: at) else {
            return ended
          }
          continue
        }
        index += 1
      }
      try handle(.complete)
      return .completed
    } catch let error as HALError {
      // A bus or line error that the driver's own retries did not cure is a sensor fault;
      // what failed is reported before the fault, so the operator sees both.
      observer.treatment(.hardwareError(error.description, at: clock.now))
      try? handle(.sensorFailed)
      return faulted(Fault(.sensor))
    }
  }

  /// One pair: test pulses, then therapy set by set, from wherever the pair stood (all of it
  /// the first time; what remains after a recovered fault). `nil` to go on with the next pair.
  private func treat(pair: ProbePair, index: Int) throws -> TreatmentOutcome? {
    previousCurrent = nil
    heldBeats = 0
    var progress = pairProgress[index]
    let setSize = plan.therapy.setSize
    var set = progress.therapy / setSize
    var polarity: Polarity =
      progress.test < plan.test.pulses || plan.therapy.polarity == .fixed || set % 2 == 0
      ? .normal : .reversed
    try switchRelays(to: pair, index: index, polarity: polarity)
    if let ended = outcome { return ended }
    setpoint = pair.voltage
    try generator.supervisor.setSetpoint(pair.voltage)
    if progress.test < plan.test.pulses {
      observer.treatment(.phase(.testPulses, pair: index))
      let result = try deliver(
        plan.test.pulses - progress.test, kind: .test, pair: pair, index: index, polarity: .normal)
      switch try conclude(result, pair: pair) {
      case .goOn: break
      case .nextPair: return nil
      case .end(let ended): return ended
      }
    }
    progress = pairProgress[index]
    while progress.therapy < plan.therapy.pulses {
      set = progress.therapy / setSize
      let wanted: Polarity = plan.therapy.polarity == .alternatePerSet && set % 2 == 1 ? .reversed : .normal
      if wanted != polarity {
        polarity = wanted
        try switchRelays(to: pair, index: index, polarity: polarity)
        if let ended = outcome { return ended }
      }
      let count = min((set + 1) * setSize, plan.therapy.pulses) - progress.therapy
      observer.treatment(.phase(.therapy, pair: index))
      let result = try deliver(count, kind: .therapy, pair: pair, index: index, polarity: polarity)
      switch try conclude(result, pair: pair) {
      case .goOn: break
      case .nextPair: return nil
      case .end(let ended): return ended
      }
      progress = pairProgress[index]
      if progress.therapy < plan.therapy.pulses {
        observer.treatment(.phase(.review, pair: index))
        let accepted = operatorConsole.reviewSet(pair: pair, set: set + 1, currents: result.currents)
        observer.treatment(.setReviewed(pair: index, set: set + 1, accepted: accepted))
        if !accepted { return aborted("set \(set + 1) of pair \(pair.label) not accepted at review") }
      }
    }
    return nil
  }

  /// The acknowledge flow: the operator sees the fault, clears its cause and acknowledges (the
  /// outputs stay safe and the watchdog fed while the operator decides); the pulse board's own
  /// latches are cleared (the operator's reset), and the machine clears the fault only if no
  /// cause remains. `true` when delivery may go on.
  private func recover(from fault: Fault, latchedAt: Instant) throws -> Bool {
    guard recoveries < TreatmentSequencer.maximumRecoveries else { return false }
    decision: while true {
      guard case .latched = machine.state else { return false }
      switch operatorConsole.recover(from: fault, latchedAt: latchedAt, now: clock.now) {
      case .end: return false
      case .wait: try wait(for: pollInterval)
      case .acknowledge: break decision
      }
    }
    recoveries += 1
    try generator.supervisor.clearLatches()
    counter = try generator.supervisor.pulseCount()
    try poll(fresh: true)
    try handle(.acknowledge)
    guard machine.state == .idle else { return false }
    outcome = nil
    observer.treatment(.recovered(fault, at: clock.now))
    return true
  }

  private enum Verdict {
    case goOn
    case nextPair
    case end(TreatmentOutcome)
  }

  /// What the end of a delivery means for the treatment.
  private func conclude(_ result: DeliveryResult, pair: ProbePair) throws -> Verdict {
    if let ended = outcome { return .end(ended) }
    guard case .pairStopped(let fault) = machine.state else { return .goOn }
    if operatorConsole.continueAfterStoppedPair(pair, fault: fault) {
      try handle(.resume)
      return .nextPair
    }
    return .end(aborted("pair \(pair.label) stopped: \(fault.reason)"))
  }

  // MARK: - Ending

  func faulted(_ fault: Fault) -> TreatmentOutcome {
    let ended = outcome ?? .faulted(fault, at: clock.now, pulseIndex: faultPulseIndex)
    outcome = ended
    return ended
  }

  func aborted(_ reason: String) -> TreatmentOutcome {
    if outcome == nil {
      try? handle(.abort)
      outcome = .aborted(reason: reason, at: clock.now, pulseIndex: delivered)
    }
    return outcome ?? .aborted(reason: reason, at: clock.now, pulseIndex: delivered)
  }

  /// Drives every output safe, waits (bounded) for the bank to bleed and opens the relays.
  /// Every step is attempted whatever the others do; what failed is reported as a hardware
  /// error, and a bank still charged at the end is returned as a fault.
  private func finishSafe() -> Fault? {
    observer.treatment(.phase(.finishing, pair: nil))
    for error in generator.gpio.driveSafe() {
      observer.treatment(.hardwareError("driving outputs safe: \(error)", at: clock.now))
    }
    let deadline = clock.now + bleedTimeout
    var bank: Volts?
    while true {
      do {
        bank = try generator.bankVoltage()
      } catch {
        // The bank cannot be read: keep HV off and the bleed engaged for the longest a bleed
        // may take before anything else (the relays) moves.
        observer.treatment(.hardwareError("reading the bank voltage at the end: \(error)", at: clock.now))
        bank = nil
        clock.sleep(until: deadline)
        break
      }
      if let bank, bank < generator.board.interlocks.bledBelow { break }
      if clock.now >= deadline { break }
      clock.sleep(for: pollInterval)
    }
    do {
      try generator.matrix.apply(.open)
    } catch {
      observer.treatment(.hardwareError("opening the relays at the end: \(error)", at: clock.now))
    }
    observer.treatment(.ended(bank: bank, at: clock.now))
    guard let bank else { return Fault(.sensor) }
    return bank < generator.board.interlocks.bledBelow
      ? nil : Fault(.bleed, measured: bank.value, limit: generator.board.interlocks.bledBelow.value)
  }
}
