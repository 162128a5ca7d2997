import HAL
import Protocol
import Safety
import Units

extension TreatmentSequencer {
  /// Bleeds the bank, moves the relays to `pair` in `polarity`, waits for them to settle and
  /// reads them back. A relay that does not follow is a latched fault.
  func switchRelays(to pair: ProbePair, index: Int, polarity: Polarity) throws {
    observer.treatment(.phase(.switching, pair: index))
    matrixSetting = nil
    try handle(.beginSwitching)
    guard machine.state == .switching else { return }
    let bleedDeadline = clock.now + bleedTimeout
    while try generator.bankVoltage() >= generator.board.interlocks.bledBelow {
      guard clock.now < bleedDeadline else {
        try handle(.sensorFailed)
        return
      }
      try wait(for: pollInterval)
      try handle(.inputs(generator.snapshot()))
      if outcome != nil { return }
    }
    let (positive, negative) = polarity == .normal ? (pair.anode, pair.cathode) : (pair.cathode, pair.anode)
    guard let setting = MatrixSetting(positive: positive, negative: negative) else {
      try handle(.relaysVerified(false))
      return
    }
    try generator.matrix.apply(setting)
    try wait(for: generator.board.interlocks.relaySettle.nanoseconds)
    let verified = try generator.matrix.verify(setting)
    if verified { matrixSetting = setting }
    try handle(.relaysVerified(verified))
  }

  /// Charges the bank to the pair's set-point, polling the interlocks, until the machine says
  /// ready, or leaves charging for any other reason.
  func charge() throws {
    observer.treatment(.phase(.charging, pair: nil))
    try handle(.inputs(generator.snapshot()))
    try handle(.beginCharging)
    let deadline = clock.now + generator.board.interlocks.chargeTimeout.nanoseconds
    while machine.state == .charging {
      try wait(for: pollInterval)
      try handle(.inputs(generator.snapshot()))
      guard machine.state == .charging else { break }
      // The charger's own `hv_ready` says it has finished; the ADC then confirms the voltage.
      guard try generator.gpio.read(.hvReady) else {
        if clock.now > deadline { try handle(.chargeTimedOut) }
        continue
      }
      try handle(.bankVoltage(measured: generator.bankVoltage(), setpoint: setpoint))
      if machine.state == .charging && clock.now > deadline { try handle(.chargeTimedOut) }
    }
  }

  /// Waits while delivery is paused, asking the operator; ends the treatment if told to.
  func waitOutPause(_ cause: Interlock) throws {
    observer.treatment(.phase(.paused, pair: nil))
    // A pause is timed from the first pause since the last pulse delivered: resuming into a
    // cause that has not gone away (a heart that still gives no usable trigger) does not
    // reset the operator's patience.
    let since = pausedSinceLastPulse ?? clock.now
    pausedSinceLastPulse = since
    while case .paused = machine.state, outcome == nil {
      try wait(for: pollInterval)
      try handle(.inputs(generator.snapshot()))
      guard case .paused = machine.state else { return }
      switch operatorConsole.paused(cause, for: clock.now - since) {
      case .wait: continue
      case .resume: try handle(.resume)
      case .abort(let reason): _ = aborted(reason)
      }
    }
  }
}
