import HAL
import Protocol
import Safety
import Units

extension TreatmentSequencer {
  /// Toggles `watchdog_kick`: the external watchdog drops HV and bleeds the bank 20 ms after
  /// the toggling stops, which is what makes a hung or killed controller safe.
  func kick() throws {
    // Kicks come every 2 ms at most; a gap longer than the watchdog's timeout means the loop
    // stalled somewhere, and the watchdog has already dropped HV.
    let now = clock.now
    if let last = lastKick, now - last > watchdogTimeout { try handle(.timingOverrun(late: now - last)) }
    lastKick = now
    kickLevel.toggle()
    try generator.gpio.write(.watchdogKick, kickLevel)
    // At most a ring's worth a turn: consoles pushing pauses as fast as the loop takes them
    // must not hold it here past the watchdog's next kick (on a slow or loaded machine the
    // server thread on the other core keeps pace); the rest is taken at the next turn, 2 ms on,
    // and until then `stopPending` says a command waits, so no edge fires meanwhile.
    try commands.popWaiting { command in
      switch command {
      case .pause: try handle(.pause)
      case .abort(let reason): _ = aborted(reason)
      }
    }
  }

  /// Sleeps until `deadline` in slices short enough to keep the watchdog fed, taking commands at
  /// every slice and reading the interlock inputs every `pollInterval`: an e-stop, the lid, the
  /// footswitch, `hw_fault` or a hot heat-sink acts within its deadline whatever the loop waits
  /// for. Returns early once the machine's state changes, since what the caller waited for no
  /// longer holds; `throughStateChanges` waits on regardless (the end of a train, whose
  /// measurement is read whatever happened meanwhile; relays that are moving). Without
  /// `polling` it only kicks and takes commands (the way from a permission to its edge).
  func wait(until deadline: Instant, throughStateChanges: Bool = false, polling: Bool = true) throws {
    let changes = machine.stateChanges
    while clock.now < deadline {
      try kick()
      if polling && clock.now >= nextPoll { try poll() }
      if !throughStateChanges && machine.stateChanges != changes { return }
      let slice = min(deadline, clock.now + kickInterval)
      clock.sleep(until: slice)
      try woke(after: slice)
    }
    // A command that came during the last slice is taken now, not after whatever the caller
    // does next (a fire check's milliseconds of bus work would push a pause past its deadline).
    if !commands.isEmpty { try kick() }
  }

  func wait(for span: Nanoseconds, throughStateChanges: Bool = false) throws {
    try wait(until: clock.now + span, throughStateChanges: throughStateChanges)
  }

  /// Reads every interlock input now (the heat-sink too when `fresh`) and the bank where it
  /// must be watched, and lets the machine judge them; the next poll is due `pollInterval` later.
  func poll(fresh: Bool = false) throws {
    try handle(.inputs(generator.snapshot(fresh: fresh)))
    try watchBank()
    nextPoll = clock.now + pollInterval
  }

  /// The bank while HV is on: read at every poll while charging, and whenever the charger's
  /// own `hv_ready` is low once the bank was ready. A charger that overshoots its set-point is
  /// caught at once, whether or not it says it is ready; only a reading with `hv_ready` high
  /// makes a charging bank ready.
  private func watchBank() throws {
    switch machine.state {
    case .charging, .ready, .delivering:
      let chargerReady = try generator.gpio.read(.hvReady)
      guard machine.state == .charging || !chargerReady else { return }
      let bank = try generator.bankVoltage()
      if chargerReady || bank > setpoint * (1 + generator.board.interlocks.bankVoltageTolerance) {
        try handle(.bankVoltage(measured: bank, setpoint: setpoint))
      }
    case .latched, .idle, .switching, .paused, .pairStopped, .finished:
      return
    }
  }

  /// After every slice: how late the thread woke. Later than the watchdog's 20 ms means the
  /// loop stalled and the external watchdog has already dropped HV; that is a latched fault.
  private func woke(after slice: Instant) throws {
    let late = clock.now - slice
    wakeLatency?.record(late)
    if late > watchdogTimeout { try handle(.timingOverrun(late: late)) }
  }

  /// Waits for the next valid R-wave trigger, feeding the watchdog and polling the interlocks
  /// meanwhile. Each trigger is judged by the validator (double trigger, heart rate, ectopic,
  /// no reference); none within max RR is a missed beat; one after edges the backend lost is
  /// skipped as `dropped_edges`. Missed beats and rejected triggers
  /// in a row (`pause_after_missed` of them) pause delivery: a heart that gives no usable
  /// trigger, whether silent or racing, is not treated. Returns `nil` when the beat is
  /// skipped or the machine stopped.
  func waitForTrigger(_ gating: ECGGating, pair: Int) throws -> Instant? {
    let waitStart = clock.now
    while machine.state == .ready {
      let missedAt = max(triggers.last ?? waitStart, waitStart) + gating.maxRR.nanoseconds
      try kick()
      let slice = min(clock.now + kickInterval, missedAt)
      guard let edge = try generator.gpio.nextEdge(on: .ecgTrigger, notAfter: slice) else {
        try woke(after: slice)
        if clock.now >= nextPoll { try poll() }
        if clock.now >= missedAt {
          skip(.missedBeat, pair: pair, at: clock.now)
          triggers.missedBeat()
          try countUnusable(gating)
          return nil
        }
        continue
      }
      // Only a rising edge marks an R-wave (a backend that reports both is not trusted to).
      guard edge.rising else { continue }
      observer.treatment(.trigger(at: edge.timestamp))
      // A timestamp from the future cannot be placed on this clock (an event clock other than
      // CLOCK_MONOTONIC): no pulse is timed from it, nor is the rhythm learnt from it, and it
      // counts as a beat without a usable trigger.
      guard edge.timestamp <= clock.now else {
        skip(.implausibleTimestamp, pair: pair, at: clock.now)
        try countUnusable(gating)
        continue
      }
      // Edges lost before this one: the rhythm's last beat is unknown, so this one cannot be
      // judged against it. Skipped, and the next trigger starts the rhythm anew, as after a
      // missed beat.
      if edge.lost > 0 {
        skip(.droppedEdges, pair: pair, at: edge.timestamp)
        triggers.missedBeat()
        try countUnusable(gating)
        continue
      }
      switch triggers.judge(edge.timestamp) {
      case .skip(let reason):
        skip(reason, pair: pair, at: edge.timestamp)
        if reason != .noReference { try countUnusable(gating) }
        continue
      case .valid:
        missedInRow = 0
      }
      // An edge queued while the bank was charging or the relays moving is a real beat, but
      // one the controller was not ready for; so is one older than the longest RR interval,
      // however it came to be read so late.
      if edge.timestamp < waitStart || clock.now - edge.timestamp > gating.maxRR.nanoseconds {
        skip(.notReady, pair: pair, at: edge.timestamp)
        continue
      }
      return edge.timestamp
    }
    return nil
  }

  /// One more beat without a usable trigger; enough in a row pause delivery.
  private func countUnusable(_ gating: ECGGating) throws {
    missedInRow += 1
    if missedInRow >= gating.pauseAfterMissed {
      missedInRow = 0
      try handle(.triggerLost)
    }
  }
}
