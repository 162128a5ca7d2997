import HAL
import Protocol
import Units

#if canImport(Glibc)
  import Glibc
#endif

/// The reference board of BOARD.md in software, with the world around it: the patient (heart,
/// trigger monitor, tissue between the probes), the generator (charger and bank, supervisor,
/// relays, heat-sink) and the operator's panel (e-stop, footswitch, lid).
///
/// The controller reaches it only as the HAL does on hardware: `gpio` (lines by role, with the
/// board file's active-low settings) and `bus` (register-level chips at the board file's
/// addresses), on `clock`. Everything else here is for the simulation's owner: tests, the fault
/// injector, the simulated operator.
public final class SimulatedBoard {
  public let description: BoardDescription
  public let settings: SimulatorSettings
  public let clock: SimulatedClock
  public let bus: SimulatedSMBus
  public private(set) var gpio: SimulatedGPIO!

  public let supervisor: SupervisorModel
  public private(set) var adc: ADS1115Model!
  public private(set) var thermometer: TMP117Model!
  public private(set) var expanderPlus: MCP23017Model!
  public private(set) var expanderMinus: MCP23017Model!

  public let heart: Heart
  public var tissue: Tissue
  public var charger: Charger
  public var relaysPlus: RelayBank
  public var relaysMinus: RelayBank
  public var heatSink: HeatSink

  /// The operator's panel, as the simulated operator (or a test) sets it.
  public var estopPressed = false
  public var footswitchA = false
  public var footswitchB = false
  public var lidClosed = true

  /// Where the probes are in the simulated patient (from the protocol being run).
  public private(set) var probes: [Int: Probe] = [:]
  /// Every fire edge the pulse board saw, and the pulses it really delivered: the simulator's
  /// own count, against which the controller's record is judged.
  public private(set) var fireEdges: [Instant] = {
    var edges: [Instant] = []
    edges.reserveCapacity(4096)
    return edges
  }()
  /// What the pulse board saw at one fire edge.
  public struct FireDetail: Sendable {
    /// The controller's step that raised it.
    public var step: Int
    /// The step of each of the last look's lines' latest read before it.
    public var lookReads: LookReadSteps
    /// Whether the charger was really on then: the controller's own HV outputs (`hv_enable`,
    /// `bleed_release`) on, as they are only while the safety machine is ready (or
    /// delivering), and the external watchdog not holding them off.
    public var armed: Bool
  }

  public private(set) var fireDetails: [FireDetail] = {
    var details: [FireDetail] = []
    details.reserveCapacity(4096)
    return details
  }()
  public internal(set) var pulsesDelivered = 0
  /// Pulses the board delivered on its own, without a fire edge (the `extra-pulse` fault).
  public internal(set) var spontaneousPulses = 0
  /// The pulse board's own count, kept in a shared memory-mapped file when asked: it survives
  /// the controller being killed, as the hardware's counter would, and costs no system call.
  private var persistedCount: UnsafeMutablePointer<Int64>?

  /// Keeps the count of delivered pulses in `path` (8 bytes, native order) from now on.
  public func persistCount(to path: String) throws {
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw HALError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard ftruncate(fd, 8) == 0,
      let mapping = mmap(nil, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapping != MAP_FAILED
    else { throw HALError.io("cannot map \(path): \(String(cString: strerror(errno)))") }
    persistedCount = mapping.assumingMemoryBound(to: Int64.self)
    persistedCount?.pointee = Int64(pulsesDelivered)
  }

  /// A fire edge whose consequences are not worked out yet.
  private var pendingFire: Instant?
  /// What the fault injector has done to the board (see SimulatedBoard+Faults).
  var faults = InjectedFaults()
  /// What is armed for "before the N-th delivered pulse" (faults, the operator's acts).
  var actionsAwaitingPulse: [(pulse: Int, action: () -> Void)] = []
  /// Every injected fault and the instant it took effect.
  public internal(set) var activatedFaults: [(spec: FaultSpec, at: Instant)] = []
  /// The external watchdog (BOARD.md): its timeout, the last kick, whether it holds HV off, and
  /// every time it tripped.
  public let watchdogTimeout = Nanoseconds.milliseconds(20)
  /// The last toggle of `watchdog_kick`; `nil` until the controller first kicks.
  public private(set) var lastKick: Instant?
  public private(set) var watchdogHolding = false
  public private(set) var watchdogTrips: [Instant] = []
  /// Every change of what the charger actually saw (outputs and watchdog together).
  public private(set) var chargerLog: [(at: Instant, hvEnable: Bool, bleedRelease: Bool)] = {
    var log: [(at: Instant, hvEnable: Bool, bleedRelease: Bool)] = []
    log.reserveCapacity(4096)
    return log
  }()
  /// The hardware over-current comparator's trip level (above the board's design limit).
  public var hardwareCurrentTrip: Amperes

  public init(
    description: BoardDescription, settings: SimulatorSettings, pace: SimulatedClock.Pace, seed: UInt64,
    rhythm: Heart.Rhythm? = nil, anomalies: HeartAnomalies = .none
  ) {
    var random = SeededGenerator(seed: seed)
    let clock = SimulatedClock(pace: pace)
    self.description = description
    self.settings = settings
    self.clock = clock
    self.bus = SimulatedSMBus(clock: clock)
    self.supervisor = SupervisorModel()
    self.heart = Heart(
      rhythm: rhythm ?? .generated(rateBPM: settings.heart.rateBPM, variability: settings.heart.variability),
      settings: settings.heart, start: clock.now, random: random.split(), anomalies: anomalies)
    self.tissue = Tissue(settings: settings.tissue, random: random.split())
    self.charger = Charger(settings: settings.charger, start: clock.now)
    self.relaysPlus = RelayBank(
      settleMin: settings.relays.settleMin, settleMax: settings.relays.settleMax, random: random.split())
    self.relaysMinus = RelayBank(
      settleMin: settings.relays.settleMin, settleMax: settings.relays.settleMax, random: random.split())
    self.heatSink = HeatSink(settings: settings.heatSink, start: clock.now)
    self.hardwareCurrentTrip = description.limits.maxCurrent * 1.1
    var latency = random.split()
    let wakeMax = Double(settings.wakeLatencyMax.value)
    clock.wakeLatency = { .microseconds(Int64(latency.unit() * wakeMax)) }
    wire()
  }

  /// Connects the register models and lines to the world; separate so that closures can
  /// capture `self` once it exists.
  private func wire() {
    let i2c = description.i2c
    supervisor.hvReady = { [unowned self] in charger.ready(at: worldNow) }
    supervisor.now = { [unowned self] in worldNow }
    adc = ADS1115Model(clock: clock) { [unowned self] channel in analogInput(channel) }
    thermometer = TMP117Model { [unowned self] in heatSink.temperature(at: worldNow) }
    expanderPlus = MCP23017Model(
      inputsB: { [unowned self] in relaysPlus.contacts(at: worldNow) },
      onOutputs: { [unowned self] bits in relaysPlus.drive(bits, at: worldNow) })
    expanderMinus = MCP23017Model(
      inputsB: { [unowned self] in relaysMinus.contacts(at: worldNow) },
      onOutputs: { [unowned self] bits in relaysMinus.drive(bits, at: worldNow) })
    bus.attach(supervisor, at: i2c.supervisor)
    bus.attach(adc, at: i2c.adc)
    bus.attach(thermometer, at: i2c.temperature)
    bus.attach(expanderPlus, at: i2c.relaysPlus)
    bus.attach(expanderMinus, at: i2c.relaysMinus)
    gpio = SimulatedGPIO(board: self)
  }

  /// Places the probes of `treatment` in the simulated patient; the field of each of its pairs
  /// is solved for the tissue's currents once, while the bank first charges (no pulse solves).
  public func place(_ treatment: TreatmentProtocol) {
    place(treatment.probes, pairs: treatment.pairs)
  }

  /// Places `probes`; the field of each of `pairs` is solved while the bank first charges, that
  /// of any other pair the relays connect at its first pulse.
  public func place(_ probes: [Probe], pairs: [ProbePair] = []) {
    self.probes = Dictionary(uniqueKeysWithValues: probes.map { ($0.id, $0) })
    tissue.place(probes, pairs: pairs)
  }

  /// The voltage on each ADS1115 input: the bank through its divider, the charger current, the
  /// leakage monitor, half the 5 V rail.
  private func analogInput(_ channel: Int) -> Volts {
    switch channel {
    case 0: return charger.voltage(at: worldNow) / description.interlocks.bankDivider
    case 1: return Volts(charger.hvEnable && !charger.ready(at: worldNow) ? 1.2 : 0.05)
    case 2: return Volts(0.002)
    default: return Volts(2.5)
    }
  }

  /// Physical level of an input line (before the board file's active-low is applied).
  func physicalInput(_ role: LineRole) throws -> Bool {
    let logical: Bool
    switch role {
    case .estopOK: logical = !estopPressed
    case .footswitchA: logical = footswitchA
    case .footswitchB: logical = footswitchB
    case .lidClosed: logical = lidClosed
    case .ecgTrigger: logical = try heart.triggerLevel(at: worldNow)
    case .hvReady: logical = charger.ready(at: worldNow)
    case .hwFault:
      supervisor.settle()
      logical = !supervisor.latched.intersection([.overCurrentLatched, .arcLatched]).isEmpty
    case .hvEnable, .bleedRelease, .pulseFire, .watchdogKick, .beeper:
      throw HALError.wrongDirection(role: role)
    }
    return logical != (description.gpio.lines[role]?.activeLow ?? false)
  }

  /// An output changed (logical values).
  func outputChanged(_ role: LineRole, to value: Bool) {
    switch role {
    case .hvEnable, .bleedRelease:
      driveCharger(at: worldNow)
    case .pulseFire:
      if value { fire() }
    case .watchdogKick:
      let now = worldNow
      lastKick = now
      if watchdogHolding {
        watchdogHolding = false
        driveCharger(at: now)
      }
    case .beeper, .estopOK, .footswitchA, .footswitchB, .lidClosed, .ecgTrigger, .hvReady, .hwFault:
      break
    }
  }

  /// The world's time, once anything pending has taken effect. A fire edge is only noted when
  /// the line rises, and its consequences (the tissue's current, the bank's droop, the
  /// supervisor's registers) are worked out at the next look at the world, so that the
  /// simulation's own arithmetic never sits between the controller's write and its reading
  /// of the clock after it.
  var worldNow: Instant {
    if let edge = pendingFire {
      if let trip = watchdogTripTime, trip < edge { tripWatchdog(at: trip) }
      pendingFire = nil
      deliver(edgeAt: edge)
    }
    if let trip = watchdogTripTime, trip <= clock.now { tripWatchdog(at: trip) }
    return clock.now
  }

  // MARK: - The external watchdog

  /// When the watchdog will trip if nobody kicks it: 20 ms after the last toggle of
  /// `watchdog_kick`, once it has been kicked at all.
  private var watchdogTripTime: Instant? {
    guard let last = lastKick, !watchdogHolding else { return nil }
    return last + watchdogTimeout
  }

  /// The watchdog drops `hv_enable` and engages the bleed in hardware, whatever the outputs
  /// say, until it is kicked again.
  private func tripWatchdog(at instant: Instant) {
    watchdogHolding = true
    watchdogTrips.append(instant)
    driveCharger(at: instant)
  }

  /// The charger follows the outputs, unless the watchdog holds it off.
  private func driveCharger(at instant: Instant) {
    let hv = gpio.output(.hvEnable) && !watchdogHolding
    let release = gpio.output(.bleedRelease) && !watchdogHolding
    if chargerLog.last.map({ $0.hvEnable != hv || $0.bleedRelease != release }) ?? true {
      chargerLog.append((instant, hv, release))
    }
    charger.set(hvEnable: hv, bleedRelease: release, setpoint: supervisor.setpoint, at: instant)
    // While the bank charges, the simulated tissue works out its pairs' fields (the first time).
    if hv { tissue.beginSolving() }
  }

  /// Whether the charger was held safe (off, bleed engaged) at `instant`, by the controller's
  /// outputs or by the watchdog.
  public func chargerSafe(at instant: Instant) -> Bool {
    guard let entry = chargerLog.last(where: { $0.at <= instant }) else { return true }
    return !entry.hvEnable && !entry.bleedRelease
  }

  /// The first instant from `instant` on at which the charger was held safe.
  public func chargerSafe(from instant: Instant) -> Instant? {
    if chargerSafe(at: instant) { return instant }
    return chargerLog.first { $0.at > instant && !$0.hvEnable && !$0.bleedRelease }?.at
  }

  /// Lets any pending fire edge take effect (for observers reading the world directly).
  public func settle() { _ = worldNow }

  /// A rising edge on `pulse_fire`: the pulse board fires its train from whatever the bank holds.
  private func fire() {
    settle()
    fireEdges.append(clock.now)
    fireDetails.append(
      FireDetail(
        step: clock.steps.count, lookReads: gpio.lastReadSteps,
        armed: gpio.output(.hvEnable) && gpio.output(.bleedRelease) && !watchdogHolding))
    pendingFire = clock.now
  }

  /// The train fired at `now`, through whatever the relays connect; the supervisor posts its
  /// measurements when the train is over.
  private func deliver(edgeAt now: Instant) {
    defer { runPulseActions() }
    guard !faults.missingFires else { return }
    let count = supervisor.trainPulses
    let bank = charger.voltage(at: now)
    var peak = Amperes(0)
    if !faults.openCircuit, let plus = relaysPlus.soleClosedProbe(at: now),
      let minus = relaysMinus.soleClosedProbe(at: now),
      let a = probes[plus], let b = probes[minus], a.id != b.id
    {
      for _ in 0..<count { peak = max(peak, tissue.pulse(bank, between: a.id, b.id, at: now)) }
    }
    if let forced = faults.current, peak > Amperes(0) { peak = forced }
    if faults.arcing { peak = peak * 1.5 }
    let peakVoltage = bank * (faults.arcing ? 0.3 : 1 - settings.charger.droopPerPulse / 2)
    charger.discharge(pulses: count, at: now)
    heatSink.pulse(count: count, at: now)
    pulsesDelivered += count
    persistedCount?.pointee = Int64(pulsesDelivered)
    let duration = (supervisor.trainPeriod.nanoseconds * Int64(count - 1)) + supervisor.width.nanoseconds
    supervisor.train(
      count, peakCurrent: peak, peakVoltage: peakVoltage, completesAt: now + duration,
      trip: faults.arcing ? .arcLatched : peak > hardwareCurrentTrip ? .overCurrentLatched : [])
  }
}
