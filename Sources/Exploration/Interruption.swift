import Controller
import Safety
import Simulator
import Units

/// One thing that happens to a running treatment from outside the controller's code, at one
/// step: an operator's act, an input that changes, a bus that fails, a clock that stalls;
/// possibly followed, a moment later, by the operator's answer to it (a resume, an
/// acknowledgement), so that what unlocks delivery is tried at every step too.
public struct Interruption: Sendable, Hashable, CustomStringConvertible {
  public enum Part: Sendable, Hashable {
    case act(OperatorAct.Kind)
    /// A fault of the injector's, with its argument (an I2C address, a duration).
    case fault(FaultSpec.Kind, address: UInt8? = nil, duration: Nanoseconds? = nil)
  }

  /// What happens at the step.
  public var part: Part
  /// What follows it, and how long after.
  public var then: Part?
  public var after: Nanoseconds

  public init(_ part: Part, then: Part? = nil, after: Nanoseconds = .zero) {
    self.part = part
    self.then = then
    self.after = after
  }

  /// Every kind the explorer tries:
  /// - the operator: a pause, an abort; a pause the operator resumes half a second later; an
  ///   e-stop pressed for half a second that the operator acknowledges a second later (the
  ///   treatment then goes on);
  /// - an input: the e-stop, the lid, the footswitch (released, or its channels disagreeing),
  ///   the pulse board's fault line, and with ECG gating the leads coming off;
  /// - the bus, for every chip: no answer, frozen registers, a data line stuck high;
  /// - the clock: the timing thread stalled past the watchdog, and for less than it.
  public static func all(addresses: [UInt8], ecg: Bool) -> [Interruption] {
    var kinds: [Interruption] = [
      Interruption(.act(.pause)), Interruption(.act(.abort)),
      Interruption(.act(.pause), then: .act(.resume), after: .milliseconds(500)),
      Interruption(
        .fault(.estop, duration: .milliseconds(500)), then: .act(.acknowledge), after: .seconds(1)),
      Interruption(.fault(.estop)), Interruption(.fault(.lidOpen)), Interruption(.fault(.footswitchRelease)),
      Interruption(.fault(.footswitchDisagree)), Interruption(.fault(.hwFault)),
    ]
    if ecg { kinds.append(Interruption(.fault(.asystole, duration: .seconds(3)))) }
    for kind in [FaultSpec.Kind.i2cNak, .sensorStuck, .busStuck] {
      kinds += addresses.map { Interruption(.fault(kind, address: $0)) }
    }
    kinds += [
      Interruption(.fault(.stall, duration: .milliseconds(25))),
      Interruption(.fault(.stall, duration: .milliseconds(5))),
    ]
    return kinds
  }

  /// The faults, for `irectl simulate --fault`, of this interruption at step `step`.
  public func faults(at step: Int) -> [FaultSpec] {
    parts(at: step).compactMap { part, moment in
      guard case .fault(let kind, let address, let duration) = part else { return nil }
      return FaultSpec(kind: kind, when: moment, duration: duration, address: address)
    }
  }

  /// The operator's acts, for `irectl simulate --operator`, of this interruption at step `step`.
  public func acts(at step: Int) -> [OperatorAct] {
    parts(at: step).compactMap { part, moment in
      guard case .act(let kind) = part else { return nil }
      return OperatorAct(kind: kind, when: moment)
    }
  }

  private func parts(at step: Int) -> [(Part, FaultSpec.When)] {
    var parts: [(Part, FaultSpec.When)] = [(part, .step(step))]
    if let then { parts.append((then, .afterStep(step, after))) }
    return parts
  }

  /// The `irectl simulate` options that put this interruption at step `step`.
  public func options(at step: Int) -> [String] {
    faults(at: step).map { "--fault \($0)" } + acts(at: step).map { "--operator \($0)" }
  }

  /// The specifications `explore --replay` takes back.
  public func specs(at step: Int) -> [String] {
    faults(at: step).map(\.description) + acts(at: step).map(\.description)
  }

  /// Reads an interruption back from what `specs(at:)` printed: the first at `step=K`, the
  /// one that follows (if any) at `step=K+SECONDS`.
  public static func parse(_ specs: [String]) throws -> (Interruption, step: Int) {
    var parsed: [(Part, FaultSpec.When)] = []
    for text in specs {
      if let act = try? OperatorAct(parsing: text) {
        parsed.append((.act(act.kind), act.when))
      } else {
        do {
          let spec = try FaultSpec(parsing: text)
          parsed.append((.fault(spec.kind, address: spec.address, duration: spec.duration), spec.when))
        } catch { throw ReplayError(problem: "\(text): neither an --operator nor a --fault spec: \(error)") }
      }
    }
    guard let (first, moment) = parsed.first, case .step(let step) = moment else {
      throw ReplayError(problem: "the first spec must be at step=K")
    }
    switch parsed.count {
    case 1:
      return (Interruption(first), step)
    case 2:
      guard case .afterStep(step, let after) = parsed[1].1 else {
        throw ReplayError(problem: "the second spec must be at step=\(step)+SECONDS")
      }
      return (Interruption(first, then: parsed[1].0, after: after), step)
    default:
      throw ReplayError(problem: "one spec, or two (the second at step=K+SECONDS)")
    }
  }

  public var description: String {
    let first = Interruption.name(part)
    guard let then else { return first }
    return "\(first)+\(Interruption.name(then))@+\(FaultSpec.seconds(after))s"
  }

  private static func name(_ part: Part) -> String {
    switch part {
    case .act(let kind): return kind.rawValue
    case .fault(let kind, let address, let duration):
      let spec = FaultSpec(kind: kind, when: .step(1), duration: duration, address: address).description
      return String(spec.split(separator: "@").first ?? "")
    }
  }

  /// The chip a bus fault is on.
  var address: UInt8? {
    if case .fault(_, let address, _) = part { return address }
    return nil
  }

  /// A stall: it stops nothing if it comes before the controller first kicks the watchdog.
  var isStall: Bool {
    if case .fault(.stall, _, _) = part { return true }
    return false
  }

  /// The interlock whose deadline the outputs must meet after this interruption, if it must
  /// stop delivery by a deadline at all (docs/safety.md).
  var interlock: Interlock? {
    switch part {
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

public struct ReplayError: Error, CustomStringConvertible {
  public var problem: String
  public var description: String { problem }
}
