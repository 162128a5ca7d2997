import Controller
import Safety
import Simulator
import Units

/// One thing that can happen to a running treatment from outside the controller's code: an
/// operator's act, an input that changes, a bus that fails, a clock that stalls. The explorer
/// puts one of them at one step of a run.
public enum Interruption: Sendable, Hashable, CustomStringConvertible {
  case act(OperatorAct.Kind)
  /// A fault of the injector's, with its argument (an I2C address, a duration).
  case fault(FaultSpec.Kind, address: UInt8? = nil, duration: Nanoseconds? = nil)

  /// Every kind the explorer tries: the operator's four acts; the e-stop, the lid, the
  /// footswitch (released, or its channels disagreeing), the pulse board's fault line and the
  /// ECG leads coming off; every chip not answering, frozen, or on a data line stuck high; the
  /// timing thread stalled past the watchdog and for less than it.
  public static func all(board: SimulatedBoardAddresses) -> [Interruption] {
    var kinds: [Interruption] = OperatorAct.Kind.allCases.map { .act($0) }
    kinds += [
      .fault(.estop), .fault(.lidOpen), .fault(.footswitchRelease), .fault(.footswitchDisagree),
      .fault(.hwFault), .fault(.asystole, duration: .seconds(3)),
    ]
    for kind in [FaultSpec.Kind.i2cNak, .sensorStuck, .busStuck] {
      kinds += board.addresses.map { .fault(kind, address: $0) }
    }
    kinds += [.fault(.stall, duration: .milliseconds(25)), .fault(.stall, duration: .milliseconds(5))]
    return kinds
  }

  /// The fault or the act at `moment`, as `irectl simulate` takes them.
  public func faults(at moment: FaultSpec.When) -> [FaultSpec] {
    guard case .fault(let kind, let address, let duration) = self else { return [] }
    return [FaultSpec(kind: kind, when: moment, duration: duration, address: address)]
  }

  public func acts(at moment: FaultSpec.When) -> [OperatorAct] {
    guard case .act(let kind) = self else { return [] }
    return [OperatorAct(kind: kind, when: moment)]
  }

  /// The `irectl simulate` option that puts this interruption at `moment`.
  public func option(at moment: FaultSpec.When) -> String {
    switch self {
    case .act(let kind): "--operator \(OperatorAct(kind: kind, when: moment))"
    case .fault: "--fault \(faults(at: moment).first?.description ?? "")"
    }
  }

  public var description: String {
    let text = option(at: .step(1))
    return String(text.split(separator: " ").last?.split(separator: "@").first ?? "")
  }

  var isStall: Bool {
    if case .fault(.stall, _, _) = self { return true }
    return false
  }

  /// The interlock whose deadline the outputs must meet after this interruption, if it must
  /// stop delivery by a deadline at all (docs/safety.md).
  var interlock: Interlock? {
    switch self {
    case .act(.pause): .operatorPause
    case .act(.abort): .operatorAbort
    case .act(.resume), .act(.acknowledge): nil
    case .fault(let kind, _, let duration):
      switch kind {
      case .estop: .estop
      case .lidOpen: .lid
      case .footswitchRelease: .footswitchReleased
      case .footswitchDisagree: .footswitchDisagree
      case .hwFault: .hardwareFault
      case .i2cNak, .sensorStuck, .busStuck: .sensor
      // Only a stall past the watchdog's 20 ms is a timing fault; a shorter one is a late wake-up.
      case .stall: (duration ?? .zero) > .milliseconds(20) ? .timing : nil
      case .arc, .overcurrent, .openCircuit, .relayStuck, .extraPulse, .missedPulse, .hvSag, .overtemp,
        .triggerDouble, .asystole, .ectopic:
        nil
      }
    }
  }
}

/// The I2C addresses of a board's chips, the bus faults' targets.
public struct SimulatedBoardAddresses: Sendable {
  public var addresses: [UInt8]
  public init(_ addresses: [UInt8]) { self.addresses = addresses }
}
