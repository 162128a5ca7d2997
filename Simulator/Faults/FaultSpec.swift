import Units

/// One fault to inject into a simulated treatment: `KIND[:ARG]@WHEN`, where WHEN is
/// `pulse=N` (before the N-th delivered pulse, counting from 0) or `t=SECONDS`. A fault stays
/// in force to the end of the run unless its argument gives a duration.
public struct FaultSpec: Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable, CaseIterable {
    case estop
    case footswitchRelease = "footswitch-release"
    case footswitchDisagree = "footswitch-disagree"
    case lidOpen = "lid-open"
    case arc
    case overcurrent
    case openCircuit = "open-circuit"
    case relayStuck = "relay-stuck"
    case extraPulse = "extra-pulse"
    case missedPulse = "missed-pulse"
    case hvSag = "hv-sag"
    case overtemp
    case hwFault = "hw-fault"
    case i2cNak = "i2c-nak"
    case sensorStuck = "sensor-stuck"
    case triggerDouble = "trigger-double"
    case asystole
    case ectopic
    case stall

    /// What the argument is for this kind.
    var argument: Argument {
      switch self {
      case .i2cNak, .sensorStuck: .address
      case .asystole: .requiredSeconds
      case .stall: .requiredMilliseconds
      case .estop, .footswitchRelease, .footswitchDisagree, .lidOpen, .arc, .overcurrent, .openCircuit,
        .relayStuck, .extraPulse, .missedPulse, .hvSag, .overtemp, .hwFault, .triggerDouble, .ectopic:
        .optionalSeconds
      }
    }
  }

  enum Argument {
    case address, requiredSeconds, requiredMilliseconds, optionalSeconds
  }

  public enum When: Sendable, Equatable {
    case pulse(Int)
    case time(Instant)
  }

  public var kind: Kind
  public var when: When
  /// How long it lasts; `nil` to the end of the run.
  public var duration: Nanoseconds?
  /// The I2C address, for `i2c-nak` and `sensor-stuck`.
  public var address: UInt8?

  public init(kind: Kind, when: When, duration: Nanoseconds? = nil, address: UInt8? = nil) {
    self.kind = kind
    self.when = when
    self.duration = duration
    self.address = address
  }

  public var description: String {
    let argument = address.map { ":0x" + String($0, radix: 16) } ?? duration.map { ":\($0.seconds)s" } ?? ""
    switch when {
    case .pulse(let n): return "\(kind.rawValue)\(argument)@pulse=\(n)"
    case .time(let t): return "\(kind.rawValue)\(argument)@t=\(t.sinceOrigin.seconds)"
    }
  }
}
