import HAL
import Protocol
import Safety
import Units

/// The pulse-generator board as the sequencer uses it: its lines and its chips, found through
/// the board file, on whichever backend the board file selects. It knows how to read a fresh
/// interlock snapshot, the bank voltage, and how to put the HV outputs where safety says.
public final class PulseGenerator {
  public let board: BoardDescription
  public let gpio: any GPIOLines
  public let clock: any MonotonicClock
  public let supervisor: Supervisor
  public let adc: ADS1115
  public let thermometer: TMP117
  public let matrix: ElectrodeMatrix
  /// The last heat-sink reading and when it was taken: temperature changes slowly, so it is
  /// read at most every `temperatureMaxAge`, and a reading older than that is never used.
  private var heatSink: (value: Celsius, at: Instant)?
  /// The latest heat-sink reading and when it was taken.
  public var heatSinkReading: (value: Celsius, at: Instant)? { heatSink }
  private let temperatureMaxAge = Nanoseconds.milliseconds(500)
  private var nonce: UInt16 = 0x1234

  public init(board: BoardDescription, gpio: any GPIOLines, bus: any SMBus, clock: any MonotonicClock) {
    self.board = board
    self.gpio = gpio
    self.clock = clock
    supervisor = Supervisor(bus: bus, address: board.i2c.supervisor)
    adc = ADS1115(bus: bus, address: board.i2c.adc, clock: clock)
    thermometer = TMP117(bus: bus, address: board.i2c.temperature)
    matrix = ElectrodeMatrix(
      plus: MCP23017(bus: bus, address: board.i2c.relaysPlus),
      minus: MCP23017(bus: bus, address: board.i2c.relaysMinus))
  }

  /// Checks that every chip answers as it should and puts the board in its known state: outputs
  /// safe, relays open. The supervisor's fault latches are left as they are: a latch found at
  /// start is reported, and cleared only by the operator's acknowledgement.
  public func bringUp() throws {
    gpio.driveSafe()
    try supervisor.verifyIdentity()
    try thermometer.verifyIdentity()
    try matrix.configure()
    try matrix.apply(.open)
  }

  /// Every interlock input, read now; the heat-sink temperature is read again when its last
  /// reading is older than `temperatureMaxAge`, or always when `fresh` (the fire check).
  public func snapshot(fresh: Bool = false) throws -> InterlockInputs {
    let now = clock.now
    if fresh || heatSink == nil || now - (heatSink?.at ?? now) >= temperatureMaxAge {
      heatSink = (try thermometer.temperature(), now)
      try thermometer.verifyAlive(nonce: nextNonce())
    }
    return InterlockInputs(
      at: now, estopOK: try gpio.read(.estopOK), footswitchA: try gpio.read(.footswitchA),
      footswitchB: try gpio.read(.footswitchB), lidClosed: try gpio.read(.lidClosed),
      hardwareFault: try gpio.read(.hwFault), heatSink: heatSink?.value ?? Celsius(0))
  }

  /// Proves that the supervisor and both relay expanders answer now: each gets a fresh value
  /// in a register that does nothing (a scratch register, an unused latch) and must give it
  /// back. A chip replaying frozen registers fails here before the next pulse, not after it.
  /// (The ADC proves itself with every bank reading, the thermometer with every reading.)
  public func verifyAlive() throws {
    let nonce = nextNonce()
    try supervisor.verifyAlive(nonce: nonce)
    try matrix.verifyAlive(nonce: UInt8(truncatingIfNeeded: nonce))
  }

  private func nextNonce() -> UInt16 {
    nonce = nonce &+ 0x9E37
    return nonce
  }

  /// What the fire check reads right before each pulse.
  public struct FreshReadings: Sendable {
    /// The supervisor's pulse counter.
    public var count: UInt16
    public var bank: Volts
    /// Every interlock input, the heat-sink read again.
    public var inputs: InterlockInputs
    /// The relays' contacts read back as `relays` (false when no setting is switched in).
    public var relaysVerified: Bool
  }

  /// Everything the fire check reads, in one place: every chip's liveness, the supervisor's
  /// counter, the bank, a fresh snapshot of the inputs and the relays against `relays`. About
  /// seventeen SMBus transfers and one ADC conversion: it must fit the check's lead before the
  /// edge (the board file's `timing.fire_check_lead_us`), which `irectl selftest` measures on the
  /// board.
  public func freshReadings(relays: MatrixSetting?) throws -> FreshReadings {
    try verifyAlive()
    let count = try supervisor.pulseCount()
    let bank = try bankVoltage()
    let inputs = try snapshot(fresh: true)
    let verified = try relays.map { try matrix.verify($0) } ?? false
    return FreshReadings(count: count, bank: bank, inputs: inputs, relaysVerified: verified)
  }

  /// The bank voltage, through ADS1115 AIN0 and the board's divider.
  /// A frozen ADC would report a bled bank that is still charged, so every reading is followed
  /// by the ADC's liveness check.
  public func bankVoltage() throws -> Volts {
    let volts = try adc.readSingleEnded(.ain0) * board.interlocks.bankDivider
    try adc.verifyAlive(nonce: nextNonce())
    return volts
  }

  /// Puts the charger outputs where the safety state wants them: switching off first, so that
  /// going safe never passes through "charging with the bleed engaged" or the reverse.
  public func apply(_ outputs: SafetyOutputs) throws {
    if !outputs.hvEnable { try gpio.write(.hvEnable, false) }
    try gpio.write(.bleedRelease, outputs.bleedRelease)
    if outputs.hvEnable { try gpio.write(.hvEnable, true) }
  }

  /// What became of a fire attempt.
  public enum FireResult: Equatable, Sendable {
    /// The edge went out. The pulse's instant: the clock read immediately before the call
    /// that raised `pulse_fire` (the edge happens inside that call). `failedAfter`: what
    /// failed once the edge was out (the falling edge, the beeper): the pulse happened all the
    /// same.
    case fired(Instant, failedAfter: HALError?)
    /// The last watchdog kick is so long ago that the external watchdog may have dropped HV:
    /// the loop stalled, and nothing fired.
    case watchdogLapsed
    /// The permission's deadline had passed when the sleep returned: skipped, never late.
    case expired
    /// An interlock input changed since the check: nothing fired.
    case refused
    /// The machine changed state after it granted the permission (a pause or an abort taken,
    /// a fault latched): nothing fired.
    case voided
    /// A stop (a command not yet taken, a failed record) is waiting: nothing fired.
    case stopPending
  }

  /// The one path to `pulse_fire`. It takes a permission, which only the safety machine's
  /// fire check makes, and consumes it. Right before the edge it asks the machine whether the
  /// permission still stands (no state change since it was granted), takes a last look at the
  /// interlock lines, asks `stopPending` whether a stop waits that the machine has not taken
  /// yet, waits on the clock for `scheduled` if the look came back before it, and last of all
  /// reads the clock: past `kickDeadline` (the external watchdog's timeout after the last kick,
  /// less a margin) or past the permission's deadline, nothing fires. The caller spins to the
  /// look's expected cost before `scheduled` (`LookLead`), so that the edge leaves at
  /// `scheduled` with a look microseconds old. `trace` gets the clock readings on the way.
  public func fire(
    _ permission: consuming FirePermission, machine: borrowing SafetyMachine, at scheduled: Instant,
    kickDeadline: Instant, stopPending: () -> Bool, trace: inout FireTrace
  ) throws -> FireResult {
    guard machine.stillPermits(permission) else { return .voided }
    guard try lastLook(permission) else { return .refused }
    guard !stopPending() else { return .stopPending }
    var instant = clock.now
    trace.lookEnded = instant
    if instant < scheduled {
      // The look came back early: the rest of the way on the clock alone, still watching for
      // a stop (a spin told to stop returns before `scheduled`).
      instant = clock.spin(until: scheduled, unless: stopPending)
      guard instant >= scheduled, !stopPending() else { return .stopPending }
    }
    guard instant <= kickDeadline else { return .watchdogLapsed }
    guard instant <= permission.notAfter else { return .expired }
    trace.instant = instant
    try gpio.write(.pulseFire, true)
    let afterWrite = clock.now
    trace.afterWrite = afterWrite
    trace.clockRead = clock.now - afterWrite
    do {
      try gpio.write(.pulseFire, false)
      try gpio.write(.beeper, true)
    } catch let error as HALError {
      return .fired(instant, failedAfter: error)
    } catch {
      return .fired(instant, failedAfter: .io(String(describing: error)))
    }
    return .fired(instant, failedAfter: nil)
  }

  /// The last look: the five interlock lines, read as late as the edge allows.
  private func lastLook(_ permission: borrowing FirePermission) throws -> Bool {
    let lines = try readLookLines()
    return permission.stillHolds(
      estopOK: lines.estopOK, footswitchA: lines.footswitchA, footswitchB: lines.footswitchB,
      lidClosed: lines.lidClosed, hardwareFault: lines.hardwareFault)
  }

  /// What the last look costs on this board: the same reads, timed, before the first pulse.
  /// Reads only; nothing moves.
  public func timeLastLook() throws -> Nanoseconds {
    let start = clock.now
    _ = try readLookLines()
    return clock.now - start
  }

  /// The five lines the last look reads, one read each.
  private func readLookLines() throws -> (
    estopOK: Bool, footswitchA: Bool, footswitchB: Bool, lidClosed: Bool, hardwareFault: Bool
  ) {
    (
      try gpio.read(.estopOK), try gpio.read(.footswitchA), try gpio.read(.footswitchB),
      try gpio.read(.lidClosed), try gpio.read(.hwFault)
    )
  }
}
