/// The part a GPIO line plays on the pulse-generator board (BOARD.md).
///
/// The controller speaks of roles only; the board file says which physical line (by device-tree
/// name, or by chip and offset) plays each role. Every output declares its safe value here, once,
/// so that "drive everything safe" has one meaning everywhere.
public enum LineRole: String, CaseIterable, Sendable, Hashable {
  case hvEnable = "hv_enable"
  case bleedRelease = "bleed_release"
  case pulseFire = "pulse_fire"
  case watchdogKick = "watchdog_kick"
  case beeper = "beeper"
  case estopOK = "estop_ok"
  case footswitchA = "footswitch_a"
  case footswitchB = "footswitch_b"
  case lidClosed = "lid_closed"
  case ecgTrigger = "ecg_trigger"
  case hvReady = "hv_ready"
  case hwFault = "hw_fault"

  public var direction: LineDirection {
    switch self {
    case .hvEnable, .bleedRelease, .pulseFire, .watchdogKick, .beeper: .output
    case .estopOK, .footswitchA, .footswitchB, .lidClosed, .ecgTrigger, .hvReady, .hwFault: .input
    }
  }

  /// The interlock inputs the fire path's last look reads right before every edge, in the order
  /// it reads them (`PulseGenerator.readLookLines`; `PulseGeneratorTests` holds them together).
  public static let lastLookLines: [LineRole] = [.estopOK, .footswitchA, .footswitchB, .lidClosed, .hwFault]

  /// The logical value an output is driven to whenever the controller is not treating.
  /// `nil` for inputs, and for `watchdog_kick`, whose safety lies in it *not* toggling.
  public var safeValue: Bool? {
    switch self {
    case .hvEnable: false  // charger off
    case .bleedRelease: false  // bank bled through the dump resistor
    case .pulseFire: false
    case .beeper: false
    case .watchdogKick: nil
    case .estopOK, .footswitchA, .footswitchB, .lidClosed, .ecgTrigger, .hvReady, .hwFault: nil
    }
  }

  /// Whether the controller watches this input's edges with kernel timestamps.
  public var watchesEdges: Bool { self == .ecgTrigger }

  public static var outputs: [LineRole] { allCases.filter { $0.direction == .output } }
  public static var inputs: [LineRole] { allCases.filter { $0.direction == .input } }
}

public enum LineDirection: String, Sendable {
  case input, output
}
