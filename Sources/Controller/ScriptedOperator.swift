import Protocol
import Safety
import Sequencer
import Units

/// The operator `irectl simulate` plays: holds the footswitch, acknowledges the start-up latch,
/// accepts every set review. It never clears a cause by itself and never acknowledges a fault
/// that stopped the treatment: a pause whose cause does not go away ends the run as aborted
/// after `patience`.
public final class ScriptedOperator: TreatmentOperator {
  /// How long a pause may last before the scripted operator gives up and aborts.
  public var patience: Nanoseconds
  /// After a trigger loss, the scripted operator resumes once this long has passed (the heart
  /// may have come back; if not, delivery pauses again).
  public var resumeAfterTriggerLoss: Nanoseconds

  /// With `--resume-after-fault`: after a latched fault, clear the causes (what an operator
  /// does at the bedside) and acknowledge.
  public var resumeAfterFault: Bool
  /// After a pause asked by a console or a signal: resume once this long has passed (the
  /// simulated operator had a look), or never (`nil`: on hardware, resuming stays with the
  /// operator at the terminal, and a pause that outlasts `patience` aborts).
  public var resumeAfterOperatorPause: Nanoseconds?
  private let clearCauses: () -> Void

  public init(
    patience: Nanoseconds = .seconds(60), resumeAfterTriggerLoss: Nanoseconds = .seconds(5),
    resumeAfterFault: Bool = false, resumeAfterOperatorPause: Nanoseconds? = .seconds(3),
    clearCauses: @escaping () -> Void = {}
  ) {
    self.patience = patience
    self.resumeAfterTriggerLoss = resumeAfterTriggerLoss
    self.resumeAfterFault = resumeAfterFault
    self.resumeAfterOperatorPause = resumeAfterOperatorPause
    self.clearCauses = clearCauses
  }

  public func recover(from fault: Fault) -> Bool {
    guard resumeAfterFault else { return false }
    clearCauses()
    return true
  }

  public func acknowledge(_ fault: Fault) -> Bool { fault.interlock == .startup }

  public func reviewSet(pair: ProbePair, set: Int, currents: CurrentStatistics) -> Bool { true }

  public func continueAfterStoppedPair(_ pair: ProbePair, fault: Fault) -> Bool { false }

  public func paused(_ cause: Interlock, for duration: Nanoseconds) -> PauseDecision {
    if duration >= patience {
      return .abort(reason: "paused for \(formatted(duration.seconds)) s: \(cause.reason)")
    }
    switch cause {
    case .ecgTrigger: return duration >= resumeAfterTriggerLoss ? .resume : .wait
    case .operatorPause: return resumeAfterOperatorPause.map { duration >= $0 ? .resume : .wait } ?? .wait
    case .startup, .estop, .footswitchReleased, .footswitchDisagree, .lid, .bankVoltage, .charger, .bleed,
      .relayReadback, .pulseCounter,
      .overCurrent, .currentJump, .voltageCollapse, .hardwareFault, .testPulseCurrent, .lowCurrent,
      .pulseRate, .overTemperature, .sensor, .record, .timing, .operatorAbort:
      return .wait
    }
  }
}
