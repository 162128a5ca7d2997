import HAL
import Units

/// A board file (firmware-config/boards/), decoded and validated: which lines and chips make up
/// the pulse-generator board, its limits, and which backend drives it.
public struct BoardDescription: Sendable, Equatable {
  public var format: Int
  public var name: String
  public var description: String?
  public var backend: Backend
  public var gpio: GPIOConfiguration
  public var i2c: I2CConfiguration
  public var limits: BoardLimits
  public var interlocks: InterlockSettings
  public var timing: TimingSettings
  /// Present exactly when `backend == .simulator`: how the simulated world behaves.
  public var simulator: SimulatorSettings?
  /// A Linux board that drives no generator (`test_fixture: true`: the kernel-test VM's
  /// simulated lines and registers), on which `bench timing` may fire its pulses.
  public var testFixture: Bool

  public init(
    format: Int, name: String, description: String?, backend: Backend, gpio: GPIOConfiguration,
    i2c: I2CConfiguration, limits: BoardLimits, interlocks: InterlockSettings, timing: TimingSettings,
    simulator: SimulatorSettings?, testFixture: Bool = false
  ) {
    self.format = format
    self.name = name
    self.description = description
    self.backend = backend
    self.gpio = gpio
    self.i2c = i2c
    self.limits = limits
    self.interlocks = interlocks
    self.timing = timing
    self.simulator = simulator
    self.testFixture = testFixture
  }
}

public enum Backend: String, Sendable, Equatable, CaseIterable {
  case linux
  case simulator
}

public struct GPIOConfiguration: Sendable, Equatable {
  /// The consumer name every line request carries ("irectl").
  public var consumer: String
  /// Exactly one entry per `LineRole`.
  public var lines: [LineRole: LineSpec]
  public init(consumer: String, lines: [LineRole: LineSpec]) {
    self.consumer = consumer
    self.lines = lines
  }
}

public struct LineSpec: Sendable, Equatable {
  public var locator: LineLocator
  public var activeLow: Bool
  public var bias: LineBias
  public init(locator: LineLocator, activeLow: Bool, bias: LineBias) {
    self.locator = locator
    self.activeLow = activeLow
    self.bias = bias
  }
}

public enum LineLocator: Sendable, Equatable, CustomStringConvertible {
  /// Found by its device-tree `gpio-line-names` entry.
  case name(String)
  /// Found by chip label (or `gpiochipN`) and offset.
  case chip(String, offset: Int)
  public var description: String {
    switch self {
    case .name(let name): "\"\(name)\""
    case .chip(let chip, let offset): "\(chip) offset \(offset)"
    }
  }
}

public enum LineBias: String, Sendable, Equatable, CaseIterable {
  case asIs = "as_is"
  case disabled
  case pullUp = "pull_up"
  case pullDown = "pull_down"
}

public struct I2CConfiguration: Sendable, Equatable {
  /// N in /dev/i2c-N.
  public var bus: Int
  public var supervisor: UInt8
  public var adc: UInt8
  public var temperature: UInt8
  public var relaysPlus: UInt8
  public var relaysMinus: UInt8
  public init(
    bus: Int, supervisor: UInt8, adc: UInt8, temperature: UInt8, relaysPlus: UInt8, relaysMinus: UInt8
  ) {
    self.bus = bus
    self.supervisor = supervisor
    self.adc = adc
    self.temperature = temperature
    self.relaysPlus = relaysPlus
    self.relaysMinus = relaysMinus
  }
}

public struct BoardLimits: Sendable, Equatable {
  public var maxVoltage: Volts
  public var maxCurrent: Amperes
  public var maxPulseRate: Hertz
  public var maxPulsesPerPair: Int
  public var maxPulsesPerTreatment: Int
  public init(
    maxVoltage: Volts, maxCurrent: Amperes, maxPulseRate: Hertz, maxPulsesPerPair: Int,
    maxPulsesPerTreatment: Int
  ) {
    self.maxVoltage = maxVoltage
    self.maxCurrent = maxCurrent
    self.maxPulseRate = maxPulseRate
    self.maxPulsesPerPair = maxPulsesPerPair
    self.maxPulsesPerTreatment = maxPulsesPerTreatment
  }
}

/// Thresholds of the interlocks that belong to the board rather than to a protocol.
public struct InterlockSettings: Sendable, Equatable {
  /// How far below `temperaturePause` the heat-sink must cool when the board file names no
  /// `temperature_resume_c`, in °C.
  public static let temperatureHysteresis = 5.0
  /// Ratio of the bank-voltage divider in front of ADS1115 AIN0 (1000 on the reference board).
  public var bankDivider: Double
  /// The bank must be within this fraction of the set-point before each pulse.
  public var bankVoltageTolerance: Double
  /// Below this the bank counts as bled: relays may move.
  public var bledBelow: Volts
  /// The charger must reach the set-point within this time.
  public var chargeTimeout: Milliseconds
  /// This many beats in a row held for a wrong bank voltage is a fault.
  public var bankHoldBeats: Int
  /// Relays settle within this time; read-back after it.
  public var relaySettle: Milliseconds
  /// Footswitch channels disagreeing longer than this is a fault.
  public var footswitchDisagree: Milliseconds
  /// Heat-sink temperature that pauses delivery until it cools.
  public var temperaturePause: Celsius
  /// A temperature pause ends once the heat-sink is below this (below `temperaturePause`).
  public var temperatureResume: Celsius
  /// Heat-sink temperature that is a fault.
  public var temperatureFault: Celsius
  /// Triggers implying a heart rate outside this range (beats per minute) are skipped.
  public var heartRate: ClosedRange<Double>
  /// An RR interval off the median of the recent ones by more than this fraction is ectopic.
  public var ectopicFraction: Double
  public init(
    bankDivider: Double, bankVoltageTolerance: Double, bledBelow: Volts, chargeTimeout: Milliseconds,
    bankHoldBeats: Int, relaySettle: Milliseconds, footswitchDisagree: Milliseconds,
    temperaturePause: Celsius, temperatureResume: Celsius? = nil, temperatureFault: Celsius,
    heartRate: ClosedRange<Double>, ectopicFraction: Double
  ) {
    self.bankDivider = bankDivider
    self.bankVoltageTolerance = bankVoltageTolerance
    self.bledBelow = bledBelow
    self.chargeTimeout = chargeTimeout
    self.bankHoldBeats = bankHoldBeats
    self.relaySettle = relaySettle
    self.footswitchDisagree = footswitchDisagree
    self.temperaturePause = temperaturePause
    self.temperatureResume =
      temperatureResume ?? temperaturePause - Celsius(InterlockSettings.temperatureHysteresis)
    self.temperatureFault = temperatureFault
    self.heartRate = heartRate
    self.ectopicFraction = ectopicFraction
  }
}

/// How the timing thread runs on this board.
public struct TimingSettings: Sendable, Equatable {
  /// SCHED_FIFO priority (1...99).
  public var priority: Int
  /// Lock all memory (mlockall) so that the timing loop never waits on a page fault.
  public var lockMemory: Bool
  /// Refuse to treat when real-time scheduling or locked memory is not in force. The
  /// simulator always runs without, and says so.
  public var requireRealtime: Bool
  /// How long after the last pulse of a train the supervisor's counter and peak registers are
  /// up to date: the controller reads them no sooner.
  public var supervisorLatency: Microseconds
  public static let defaultSupervisorLatency = Microseconds(200)
  /// How long before each fire edge the fresh check is taken: long enough for its SMBus
  /// transfers and conversion on this board's bus (`irectl selftest` measures them), and the
  /// longest a fixed-rate pulse may be late. About 3 ms of transfers on the reference board at
  /// 400 kHz: 5 ms by default.
  public var fireCheckLead: Microseconds
  public static let defaultFireCheckLead = Microseconds(5_000)
  /// The CPU the timing thread runs on (`timing.cpu`), or nil to let the scheduler choose.
  /// A CPU of its own when the board's kernel keeps others off it (`isolcpus=`).
  public var cpu: Int?
  public init(
    priority: Int, lockMemory: Bool, requireRealtime: Bool,
    supervisorLatency: Microseconds = TimingSettings.defaultSupervisorLatency,
    fireCheckLead: Microseconds = TimingSettings.defaultFireCheckLead, cpu: Int? = nil
  ) {
    self.cpu = cpu
    self.priority = priority
    self.lockMemory = lockMemory
    self.requireRealtime = requireRealtime
    self.supervisorLatency = supervisorLatency
    self.fireCheckLead = fireCheckLead
  }
}
