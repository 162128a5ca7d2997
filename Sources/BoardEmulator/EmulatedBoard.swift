import HAL
import KernelFixtures
import LinuxBackend
import Protocol
import Simulator
import Units

/// The pulse board and its world behind real kernel drivers: it watches the lines the
/// controller drives on a gpio-sim chip and answers through i2c-stub's registers, as the
/// reference board would. i2c-stub is plain memory, so everything a real chip does by itself
/// is done here: the supervisor counts each fire edge and posts its peaks, the relays' contacts
/// follow the expanders' outputs, the bank voltage follows `hv_enable` and `bleed_release`
/// through the simulator's charger model, the external watchdog drops the charger when the
/// kicks stop.
///
/// Registers hold words in the chips' order (most significant byte first), as on the board.
final class EmulatedBoard {
  let board: BoardDescription
  let lines: KernelLines
  let bus: LinuxSMBus
  var charger: Charger
  /// The load the pulses see: peak current = bank voltage / load.
  let load: Ohms
  let watchdogTimeout: Nanoseconds
  let relaySettle: Nanoseconds
  let log: (String) -> Void

  private var count: UInt16 = 0
  private var fireLevel = false
  private var kickLevel = false
  private var lastKick: Instant?
  private var applied: (hv: Bool, bleed: Bool, setpoint: Volts)?
  private var ready: Bool?
  /// Relay outputs seen on each expander, and when its contacts will follow.
  private var relays: [UInt8: (commanded: UInt8, at: Instant, posted: Bool)] = [:]
  private(set) var fireEdges = 0
  /// What the world drives on each input. A controller's request with a bias resets
  /// gpio-sim's pull (the simulated pull resistor); the real e-stop loop or footswitch drives
  /// its line harder than any pull, so the world's levels are asserted again every 20 ms.
  private var world: [LineRole: Bool] = [:]
  private var asserted: Instant?
  /// The trigger monitor: an R-wave (a 100 ms high pulse on `ecg_trigger`) every `beat`.
  var beat: Nanoseconds?
  private var nextBeat: Instant?
  private let triggerPulse = Nanoseconds.milliseconds(100)

  init(
    board: BoardDescription, lines: KernelLines, bus: LinuxSMBus, charger: ChargerSettings, load: Ohms,
    watchdogTimeout: Nanoseconds, relaySettle: Nanoseconds, log: @escaping (String) -> Void
  ) throws {
    self.board = board
    self.lines = lines
    self.bus = bus
    self.charger = Charger(settings: charger, start: PosixTime.monotonicNow())
    self.load = load
    self.watchdogTimeout = watchdogTimeout
    self.relaySettle = relaySettle
    self.log = log
    count = try readWord(board.i2c.supervisor, 0x02)
    fireLevel = try lines.driven(.pulseFire)
  }

  /// The panel and the patient at rest: e-stop loop intact, footswitch pressed, lid closed,
  /// no hardware fault, charger not ready.
  func startWorld() throws {
    world = [
      .estopOK: true, .footswitchA: true, .footswitchB: true, .lidClosed: true, .hwFault: false,
      .hvReady: false, .ecgTrigger: false,
    ]
    try assertWorld(at: PosixTime.monotonicNow())
  }

  private func assertWorld(at now: Instant) throws {
    for (role, value) in world { try lines.drive(role, value) }
    asserted = now
  }

  /// A batch of output changes from the trace, taken as they come: a fire edge is answered at
  /// once, as the supervisor answers it, and a kick feeds the watchdog at the moment the kernel
  /// set it.
  func take(_ changes: [GPIOTrace.Change]) throws {
    let fire = lines.line(.pulseFire).global
    let kick = lines.line(.watchdogKick).global
    for change in changes {
      if change.line == fire {
        if change.value && !fireLevel { try fired(at: change.at) }
        fireLevel = change.value
      } else if change.line == kick, change.value != kickLevel {
        kickLevel = change.value
        lastKick = change.at
      }
    }
  }

  /// The slow state, which the real board changes over milliseconds: the charger and the
  /// bank, the relays' contacts, the trigger monitor, the world's levels.
  func follow(at now: Instant) throws {
    try followCharger(at: now)
    try followRelays(at: now)
    try followHeart(at: now)
    if asserted.map({ now - $0 >= .milliseconds(20) }) ?? true { try assertWorld(at: now) }
  }

  /// One fire edge: the board delivers its train, counts every pulse and posts the peaks
  /// (peaks first, count last: a reader that sees the new count sees this train's peaks).
  /// The log says how long after the edge the count was posted: the margin the board file's
  /// `supervisor_latency_us` leaves.
  private func fired(at edge: Instant) throws {
    let now = edge
    let supervisor = board.i2c.supervisor
    let configured = Int(try readWord(supervisor, 0x07))
    let pulses = (1...100).contains(configured) ? configured : 1
    let voltage = charger.voltage(at: now)
    let current = Amperes(voltage.value / load.value)
    try writeWord(supervisor, 0x03, UInt16(min(65535, max(0, (current.value * 100).rounded()))))
    try writeWord(supervisor, 0x04, UInt16(min(65535, max(0, voltage.value.rounded()))))
    count &+= UInt16(pulses)
    try writeWord(supervisor, 0x02, count)
    charger.discharge(pulses: pulses, at: now)
    fireEdges += 1
    let posted = PosixTime.monotonicNow() - edge
    log(
      "fire edge \(fireEdges): \(pulses) pulse(s) at \(Int(voltage.value)) V, \(formatted(current.value)) A; count \(count),"
        + " posted \(posted.value / 1000) us after the edge"
    )
  }

  /// The charger follows hv_enable, bleed_release and the set-point register, unless the
  /// watchdog holds it off; hv_ready, the status register and the ADC follow the bank.
  private func followCharger(at now: Instant) throws {
    let supervisor = board.i2c.supervisor
    let kicked = lastKick.map { now - $0 < watchdogTimeout } ?? false
    let hvDriven = try lines.driven(.hvEnable)
    let bleedDriven = try lines.driven(.bleedRelease)
    let hv = kicked && hvDriven
    let bleed = kicked && bleedDriven
    let setpoint = Volts(Double(try readWord(supervisor, 0x09)))
    if applied.map({ $0 != (hv, bleed, setpoint) }) ?? true {
      if let applied, applied.hv != hv || applied.bleed != bleed {
        log(
          "charger: hv_enable \(hv ? 1 : 0), bleed_release \(bleed ? 1 : 0)\(kicked ? "" : " (watchdog holding)")"
        )
      }
      charger.set(hvEnable: hv, bleedRelease: bleed, setpoint: setpoint, at: now)
      applied = (hv, bleed, setpoint)
    }
    let isReady = charger.ready(at: now)
    if isReady != ready {
      world[.hvReady] = isReady
      try lines.drive(.hvReady, isReady)
      try writeWord(supervisor, 0x05, isReady ? 1 : 0)
      ready = isReady
    }
    let volts = charger.voltage(at: now).value / board.interlocks.bankDivider
    let raw = Int16(clamping: Int((volts / ADS1115.voltsPerCount).rounded()))
    try writeWord(board.i2c.adc, 0x00, UInt16(bitPattern: raw))
  }

  /// The trigger monitor's output: high for 100 ms at each beat.
  private func followHeart(at now: Instant) throws {
    guard let beat else { return }
    let next = nextBeat ?? now + beat
    if now >= next {
      world[.ecgTrigger] = true
      try lines.drive(.ecgTrigger, true)
      nextBeat = next + beat
    } else if world[.ecgTrigger] == true, now >= next - beat + triggerPulse {
      world[.ecgTrigger] = false
      try lines.drive(.ecgTrigger, false)
    }
    if nextBeat == nil { nextBeat = next }
  }

  /// Each expander's auxiliary contacts (GPIOB) follow its relay outputs (OLATA) once the
  /// relays have settled.
  private func followRelays(at now: Instant) throws {
    for address in [board.i2c.relaysPlus, board.i2c.relaysMinus] {
      let commanded = try bus.readByte(address: address, register: 0x14) & MCP23017.relayMask
      if let seen = relays[address], seen.commanded == commanded {
        if !seen.posted, now >= seen.at {
          try bus.writeByte(address: address, register: 0x13, value: commanded)
          relays[address] = (commanded, seen.at, true)
        }
      } else {
        relays[address] = (commanded, now + relaySettle, false)
      }
    }
  }

  private func readWord(_ address: UInt8, _ register: UInt8) throws -> UInt16 {
    try bus.readWordMSBFirst(address: address, register: register)
  }

  private func writeWord(_ address: UInt8, _ register: UInt8, _ value: UInt16) throws {
    try bus.writeWordMSBFirst(address: address, register: register, value: value)
  }
}
