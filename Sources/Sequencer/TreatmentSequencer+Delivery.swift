import HAL
import Protocol
import Safety
import Units

/// The result of delivering one block of pulses (the test pulses, or one therapy set).
struct DeliveryResult {
  var currents = CurrentStatistics()
}

extension TreatmentSequencer {
  /// Passes an event to the safety machine and puts the outputs where its new state wants them,
  /// reporting state changes and newly latched faults.
  func handle(_ event: SafetyEvent) throws {
    let before = machine.state
    machine.handle(event)
    try settle(after: before)
    if case .inputs = event, let reading = generator.heatSinkReading, reading.at != temperatureShown {
      temperatureShown = reading.at
      observer.treatment(.temperature(reading.value, at: reading.at))
    }
    let failing = machine.failingChecks
    if failing != readiness {
      readiness = failing
      observer.treatment(.readiness(failing, at: clock.now))
    }
  }

  /// Applies the machine's outputs after a state change, and reports it.
  func settle(after before: SafetyState) throws {
    let state = machine.state
    guard state != before else { return }
    try generator.apply(state.outputs)
    observer.treatment(.state(state, at: clock.now))
    // A stopped pair is reported like a fault, so the record and the summary name its cause.
    if case .pairStopped(let fault) = state {
      observer.treatment(.fault(fault, at: clock.now, pulseIndex: faultPulseIndex))
    }
    // A new fault is reported, also one found while another was latched (a measurement judged
    // after the fault that stopped delivery); the treatment's outcome stays the first.
    if let fault = state.fault, fault != before.fault {
      observer.treatment(.fault(fault, at: clock.now, pulseIndex: faultPulseIndex))
      _ = faulted(fault)
    }
  }

  /// Delivers `count` pulses (every pulse of a train counted) to `pair`, one fire edge per valid
  /// trigger (or per period at a fixed rate). Returns early when the machine stops delivery.
  func deliver(_ count: Int, kind: PulseMeasurement.Kind, pair: ProbePair, index: Int, polarity: Polarity)
    throws -> DeliveryResult
  {
    var result = DeliveryResult()
    var remaining = count
    let train = plan.pulse.train
    while remaining > 0 {
      // The intent of the next pulse goes to the record now, in the gap between pulses, so
      // that it is on disk long before the pulse may fire.
      let intent = PulseIntent(
        index: delivered, pair: index, kind: kind, polarity: polarity, pulses: min(train.pulses, remaining),
        at: clock.now)
      if !(publishedIntent?.describesTheSamePulse(as: intent) ?? false) {
        publishedIntent = intent
        observer.treatment(.intent(intent))
      }
      guard try readyToDeliver(pair: pair, index: index, polarity: polarity) else { return result }
      guard let slot = try nextSlot(pair: index) else { continue }
      guard let fired = try fire(at: slot, intent: intent, pair: index) else { continue }
      pausedSinceLastPulse = nil
      heldBeats = 0
      lastFire = fired
      // The edge went out. Whatever fails from here on (the falling edge, the outputs, the
      // read-back), every pulse of the train is listed before the error goes further: it went
      // through the patient whether or not it can be measured.
      let measured: PulseMeasurement
      do {
        if let failure = firedButFailed {
          firedButFailed = nil
          throw failure
        }
        try handle(.fired)
        measured = try measure(kind: kind, pair: pair, expected: intent.pulses)
      } catch {
        list(intent, slot: slot, fired: fired, measured: nil)
        throw error
      }
      list(intent, slot: slot, fired: fired, measured: measured)
      // A fault found in this measurement belongs to the pulse just delivered (or, when the
      // board delivered nothing, to the pulse that should have been).
      let first = delivered - intent.pulses
      pulseUnderJudgement = first + max(min(measured.counted, intent.pulses) - 1, 0)
      try handle(.measured(measured))
      // A treatment that has ended (an abort taken while the train was measured) judges nothing
      // more, but what this pulse's measurement shows is still said, in the record and the
      // summary.
      if case .finished = machine.state, let fault = SafetyMachine.judge(measured, limits: machine.limits) {
        observer.treatment(.fault(fault, at: clock.now, pulseIndex: faultPulseIndex))
      }
      pulseUnderJudgement = nil
      try generator.gpio.write(.beeper, false)
      previousCurrent = measured.peakCurrent
      result.currents.add(measured.peakCurrent)
      remaining -= intent.pulses
    }
    return result
  }

  /// Lists every pulse of the train a fire edge asked for: those the supervisor counted with
  /// its measurement, the rest (none counted, or no read-back at all) unmeasured. Each one is
  /// counted as given to the pair, so that a pulse that may have gone out is never given twice.
  private func list(_ intent: PulseIntent, slot: Slot, fired: Instant, measured: PulseMeasurement?) {
    let period = plan.pulse.train.period?.nanoseconds ?? .zero
    let counted = measured.map { min(max($0.counted, 0), intent.pulses) } ?? 0
    for n in 0..<intent.pulses {
      let known = n < counted ? measured : nil
      observer.treatment(
        .pulse(
          DeliveredPulse(
            index: delivered, pair: intent.pair, kind: intent.kind, trigger: slot.trigger,
            scheduled: slot.target + period * Int64(n), fired: fired + period * Int64(n),
            current: known?.peakCurrent, voltage: known?.peakVoltage, polarity: intent.polarity,
            supervisorCount: known.map { _ in counter &- UInt16(truncatingIfNeeded: counted - 1 - n) })))
      delivered += 1
      if intent.kind == .test {
        pairProgress[intent.pair].test += 1
      } else {
        pairProgress[intent.pair].therapy += 1
      }
    }
  }

  /// Brings the machine to `ready` (charging when idle, waiting out pauses). `false` when
  /// delivery must stop (a fault, a stopped pair, an abort). Relays that are not switched in and
  /// read back (a switch a pause cut short) are switched again before anything charges.
  private func readyToDeliver(pair: ProbePair, index: Int, polarity: Polarity) throws -> Bool {
    while outcome == nil {
      switch machine.state {
      case .ready: return true
      case .idle where matrixSetting == nil: try switchRelays(to: pair, index: index, polarity: polarity)
      case .idle: try charge()
      case .paused: try waitOutPause()
      case .latched, .pairStopped, .finished: return false
      case .switching, .charging, .delivering:
        // Not reachable between pulses; treat as a broken invariant, safely.
        try handle(.sensorFailed)
        return false
      }
    }
    return false
  }

  /// A moment to fire at: a trigger edge plus the delay, or the next fixed-rate period.
  struct Slot {
    var trigger: Instant?
    var target: Instant
    var notAfter: Instant
  }

  /// The next moment a pulse may fire, or `nil` when this beat is skipped (recorded) or the
  /// machine stopped while waiting.
  private func nextSlot(pair: Int) throws -> Slot? {
    switch plan.sync {
    case .fixedRate(let rate):
      let period = Nanoseconds.seconds(1 / rate.value)
      // A period after the last slot, fired or skipped: a skipped beat (a bank off its set-point,
      // an intent not yet on disk) waits its period as a missed heartbeat would, instead of
      // being tried again at once.
      var last = lastFire
      if let slot = lastFixedRateSlot, last.map({ slot > $0 }) ?? true { last = slot }
      let target = max(last.map { $0 + period } ?? clock.now + checkLead, clock.now + checkLead)
      lastFixedRateSlot = target
      return Slot(trigger: nil, target: target, notAfter: target + checkLead)
    case .ecg(let gating):
      guard let edge = try waitForTrigger(gating, pair: pair) else { return nil }
      let target = edge + gating.delay.nanoseconds
      return Slot(trigger: edge, target: target, notAfter: target + gating.window.nanoseconds)
    }
  }

  func skip(_ reason: SkipReason, pair: Int, at instant: Instant) {
    observer.treatment(.skipped(SkippedBeat(pair: pair, reason: reason, at: instant)))
  }

  /// The fresh check, then the sleep to the deadline and the fire edge. `nil` when the beat was
  /// skipped or the machine stopped; the fire instant otherwise.
  private func fire(at slot: Slot, intent: PulseIntent, pair: Int) throws -> Instant? {
    try wait(until: slot.target - checkLead)
    // Delivery stopped while waiting (a pause, a fault, an abort): its own events say why.
    guard machine.state == .ready else { return nil }
    // Nothing fires before its intent is on disk, nor once the record has failed or an event
    // was lost (SAFETY.md principle 7).
    if let gate = intentGate {
      if gate.hasFailed || !gate.isDurable(intent.index) {
        if gate.hasFailed {
          try handle(.recordFailed)
        } else {
          skip(.recordNotDurable, pair: pair, at: clock.now)
        }
        return nil
      }
    }
    // The relays' contacts are read back before every pulse (BOARD.md): a relay that dropped
    // or welded since the switch is caught before the pulse, not at the next switch.
    let readings = try generator.freshReadings(relays: matrixSetting)
    observer.treatment(.bank(readings.bank, at: clock.now))
    let check = FireCheck(
      inputs: readings.inputs, bankVoltage: readings.bank, setpoint: setpoint,
      relaysVerified: readings.relaysVerified, notAfter: slot.notAfter, heldBeats: heldBeats,
      sinceLastFire: lastFire.map { slot.target - $0 }, pulsesSinceLastLook: Int(readings.count &- counter))
    let before = machine.state
    let decision = machine.permission(check)
    nextPoll = clock.now + pollInterval
    switch consume decision {
    case .skip(let reason):
      try settle(after: before)
      if reason == .bankVoltage { heldBeats += 1 }
      skip(reason, pair: pair, at: clock.now)
      return nil
    case .fault:
      try settle(after: before)
      return nil
    case .fire(let permission):
      // From the permission to the edge: a command taken by a kick, a timing fault it
      // latches, or a stop command that arrives during the sleep and the spin voids the
      // permission; the generator asks the machine and the command ring once more right
      // before the edge. The way there is kicked slice by slice (a board's lead may be longer
      // than the watchdog's timeout) but reads nothing: the last look does, microseconds
      // before the edge.
      try settle(after: before)
      try kick()
      try wait(until: slot.target - kickInterval, polling: false)
      // The wait returns early once the machine's state changed (a kick took a pause, or an
      // abort): the permission is void, and the rest of the way (up to a board's whole lead)
      // would be slept unkicked toward an edge that cannot fire.
      guard machine.stillPermits(permission) else { return nil }
      let kickDeadline = (lastKick ?? clock.now) + watchdogTimeout - watchdogMargin
      let lead = lookLead.lead
      let wake = clock.sleepPrecisely(until: slot.target - lead, unless: { self.stopPending })
      var trace = FireTrace(scheduled: slot.target, lead: lead, wake: wake)
      switch try generator.fire(
        permission, machine: machine, at: slot.target, kickDeadline: kickDeadline,
        stopPending: { self.stopPending }, trace: &trace)
      {
      case .fired(let instant, let failedAfter):
        // The edge went out: it is listed whatever failed after it, then the failure goes on.
        firedButFailed = failedAfter
        lookLead.observe(trace.look)
        fireTraces?.record(trace)
        return instant
      case .watchdogLapsed:
        // The external watchdog may already have dropped HV: the loop stalled.
        try handle(.timingOverrun(late: clock.now - (lastKick ?? clock.now)))
        return nil
      case .expired:
        skip(.late, pair: pair, at: clock.now)
        return nil
      case .refused:
        try poll()
        if machine.state == .ready { skip(.notReady, pair: pair, at: clock.now) }
        return nil
      case .stopPending:
        // Take the command now: it pauses or ends delivery, and says so.
        try kick()
        return nil
      case .voided:
        return nil
      }
    }
  }

  /// Whether something asks delivery to stop that the machine has not taken yet: a command in
  /// the ring (pause, abort), or a record that can no longer be written.
  var stopPending: Bool { !commands.isEmpty || (intentGate?.hasFailed ?? false) }

  /// Reads what the supervisor measured once the train is over.
  private func measure(kind: PulseMeasurement.Kind, pair: ProbePair, expected: Int) throws -> PulseMeasurement
  {
    // A wait longer than the kick interval feeds the watchdog meanwhile: a board whose
    // supervisor takes longer than the watchdog's timeout to post its measurements is still a
    // board the controller can drive. A shorter one (a single pulse or a short train on the
    // reference board) needs no kick: the next one is due within the interval anyway.
    let span =
      plan.pulse.train.duration(width: plan.pulse.width)
      + generator.board.timing.supervisorLatency.nanoseconds
    if span < kickInterval { clock.sleep(for: span) } else { try wait(for: span, throughStateChanges: true) }
    let readback = try generator.supervisor.readback()
    let counted = Int(readback.count &- counter)
    counter = readback.count
    let faultLine = try generator.gpio.read(.hwFault)
    return PulseMeasurement(
      kind: kind, peakCurrent: readback.peakCurrent, peakVoltage: readback.peakVoltage,
      setpoint: setpoint, counted: counted, expected: expected,
      previousCurrent: previousCurrent,
      hardwareFault: !readback.status.intersection(SupervisorStatus.latches).isEmpty || faultLine)
  }

}
