import HAL
import Protocol
import Safety
import Units

extension TreatmentSequencer {
  /// Bleeds the bank, opens every relay and reads them back open, then closes the relays of
  /// `pair` in `polarity` and reads them back. Opening first, and waiting for the contacts to
  /// prove it, means no probe is ever on both buses while a released relay is still moving.
  /// A relay that does not follow is a latched fault.
  func switchRelays(to pair: ProbePair, index: Int, polarity: Polarity) throws {
    observer.treatment(.phase(.switching, pair: index))
    matrixSetting = nil
    try handle(.beginSwitching)
    guard machine.state == .switching, try bleed() else { return }
    let (positive, negative) = polarity == .normal ? (pair.anode, pair.cathode) : (pair.cathode, pair.anode)
    guard let setting = MatrixSetting(positive: positive, negative: negative) else {
      try handle(.relaysVerified(false))
      return
    }
    // Two steps, written out: a literal array of them would allocate at every switch.
    guard try move(to: .open), try move(to: setting) else {
      try handle(.relaysVerified(false))
      return
    }
    matrixSetting = setting
    try handle(.relaysVerified(true))
  }

  /// Commands the relays to `step`, waits for them to settle and reads them back.
  private func move(to step: MatrixSetting) throws -> Bool {
    try generator.matrix.apply(step)
    // Relays that were commanded move whatever happens meanwhile (a pause with the bank bled
    // changes nothing for them): their contacts are read once they have settled.
    try wait(for: generator.board.interlocks.relaySettle.nanoseconds, throughStateChanges: true)
    return try generator.matrix.verify(step)
  }

  /// Waits for the bank to bleed below the board's safe level, polling the interlocks. `false`
  /// when it did not in time (a latched fault) or the machine stopped meanwhile.
  private func bleed() throws -> Bool {
    let deadline = clock.now + bleedTimeout
    while true {
      let bank = try generator.bankVoltage()
      if bank < generator.board.interlocks.bledBelow { return true }
      guard clock.now < deadline else {
        try handle(.bleedTimedOut(measured: bank))
        return false
      }
      try wait(for: pollInterval)
      if outcome != nil { return false }
    }
  }

  /// Charges the bank to the pair's set-point, polling the interlocks, until the machine says
  /// ready, or leaves charging for any other reason.
  func charge() throws {
    observer.treatment(.phase(.charging, pair: nil))
    try poll()
    try handle(.beginCharging)
    let deadline = clock.now + generator.board.interlocks.chargeTimeout.nanoseconds
    // Every poll of the wait reads the bank while charging (`watchBank`): ready, an overshoot,
    // or neither yet.
    while machine.state == .charging {
      try wait(for: pollInterval)
      if machine.state == .charging && clock.now > deadline { try handle(.chargeTimedOut) }
    }
  }

  /// Waits while delivery is paused, asking the operator; ends the treatment if told to. The
  /// pause ends when the machine says every cause is gone: the operator's resume ends only the
  /// causes that are the operator's, the inputs end theirs.
  func waitOutPause() throws {
    observer.treatment(.phase(.paused, pair: nil))
    // A pause is timed from the first pause since the last pulse delivered: resuming into a
    // cause that has not gone away (a heart that still gives no usable trigger) does not
    // reset the operator's patience.
    let began = clock.now
    let since = pausedSinceLastPulse ?? began
    pausedSinceLastPulse = since
    while case .paused(let causes) = machine.state, outcome == nil {
      let now = clock.now
      switch operatorConsole.paused(
        PauseSituation(causes: causes, began: began, duration: now - since, now: now))
      {
      case .wait: try wait(for: pollInterval)
      case .resume:
        try handle(.resume)
        // Causes that are not the operator's to end keep the pause: wait for them.
        if case .paused = machine.state { try wait(for: pollInterval) }
      case .abort(let reason): _ = aborted(reason)
      }
    }
  }
}
