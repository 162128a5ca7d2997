import Safety
import Units

/// Limits and snapshots shared by the safety tests: the liver protocol on the reference board.
enum Fixtures {
  static let limits = SafetyLimits(
    maxCurrent: Amperes(50), maxCurrentJump: Amperes(8), minCurrent: Amperes(2),
    testCurrent: Amperes(5)...Amperes(45), bankVoltageTolerance: 0.05, bankHoldBeats: 3,
    voltageCollapseFraction: 0.8, footswitchDisagree: .milliseconds(50), temperaturePause: Celsius(60),
    temperatureResume: Celsius(55),
    temperatureFault: Celsius(75))

  static func inputs(
    at ms: Int64 = 0, estop: Bool = true, a: Bool = true, b: Bool = true, lid: Bool = true,
    hwFault: Bool = false, temperature: Double = 30
  ) -> InterlockInputs {
    InterlockInputs(
      at: Instant(sinceOrigin: .milliseconds(ms)), estopOK: estop, footswitchA: a, footswitchB: b,
      lidClosed: lid, hardwareFault: hwFault, heatSink: Celsius(temperature))
  }

  /// A machine brought to `ready` the way the sequencer does it.
  static func readyMachine() -> SafetyMachine {
    var machine = SafetyMachine(limits: limits)
    machine.handle(.inputs(inputs()))
    machine.handle(.acknowledge)
    machine.handle(.beginSwitching)
    machine.handle(.relaysVerified(true))
    machine.handle(.beginCharging)
    machine.handle(.bankVoltage(measured: Volts(2240), setpoint: Volts(2250)))
    return machine
  }

  static func measurement(
    kind: PulseMeasurement.Kind = .therapy, current: Double = 25, voltage: Double = 2240, counted: Int = 1,
    previous: Double? = 24, hardwareFault: Bool = false
  ) -> PulseMeasurement {
    PulseMeasurement(
      kind: kind, peakCurrent: Amperes(current), peakVoltage: Volts(voltage), setpoint: Volts(2250),
      counted: counted, expected: 1, previousCurrent: previous.map(Amperes.init), hardwareFault: hardwareFault
    )
  }

  static func check(
    at ms: Int64 = 100, bank: Double = 2240, relays: Bool = true, notAfter: Int64 = 110, held: Int = 0,
    inputs snapshot: InterlockInputs? = nil
  ) -> FireCheck {
    FireCheck(
      inputs: snapshot ?? inputs(at: ms), bankVoltage: Volts(bank), setpoint: Volts(2250),
      relaysVerified: relays,
      notAfter: Instant(sinceOrigin: .milliseconds(notAfter)), heldBeats: held)
  }
}
