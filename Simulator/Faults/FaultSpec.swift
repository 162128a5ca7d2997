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
    case busStuck = "bus-stuck"
    case triggerDouble = "trigger-double"
    case asystole
    case ectopic
    case stall

    /// What the argument is for this kind.
    var argument: Argument {
      switch self {
      case .i2cNak, .sensorStuck, .busStuck: .address
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

  public enum When: Sendable, Equatable, Hashable {
    /// Right after the pulse before the N-th delivered one (from 0).
    case pulse(Int)
    case time(Instant)
    /// Right before the controller's K-th call into the simulated board (`StepLog`, from 1).
    case step(Int)
    /// This long after step K came (the operator acting a moment after something happened).
    case afterStep(Int, Nanoseconds)
  }

  public var kind: Kind
  public var when: When
  /// How long it lasts; `nil` to the end of the run.
  public var duration: Nanoseconds?
  /// The I2C address, for `i2c-nak`, `sensor-stuck` and `bus-stuck`.
  public var address: UInt8?

  public init(kind: Kind, when: When, duration: Nanoseconds? = nil, address: UInt8? = nil) {
    self.kind = kind
    self.when = when
    self.duration = duration
    self.address = address
  }

  /// The text `init(parsing:)` reads back to this fault, as `--fault` takes it.
  public var description: String {
    var argument = ""
    if let address {
      argument = ":0x" + String(address, radix: 16)
    } else if let duration {
      argument =
        ":"
        + (kind.argument == .requiredMilliseconds
          ? FaultSpec.seconds(duration * 1000) : FaultSpec.seconds(duration))
    }
    return "\(kind.rawValue)\(argument)@\(when.text)"
  }
}
