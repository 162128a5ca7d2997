import Controller
import Foundation
import HAL
import Protocol
import Record
import Safety
import Sequencer
import Simulator
import Units

/// Runs one scenario and checks, once it has ended, everything that must hold whatever
/// happened and whenever (docs/safety.md, "The explorer"):
/// - no fire edge while the controller's HV outputs were off: the machine was ready (or
///   delivering) at every edge, so none came after it left ready or after a stop was taken;
/// - the outputs safe (HV off, bleed engaged) within the interrupted interlock's deadline, and
///   no edge after the interruption beyond the one already on its way;
/// - the record verifies, and its bounds contain the board's own count;
/// - no pulse outside its window, and every edge the board saw listed;
/// - every output at its safe value and the bank bled at the end.
public enum Exploration {
  /// What one run showed.
  public struct Verdict: Sendable {
    public var scenario: Scenario
    /// The controller's calls into the board in the run.
    public var steps: Int
    /// What broke; empty when every invariant held.
    public var violations: [String]
    /// When the interruption happened, if it did.
    public var interruptedAt: Instant?
    public var outcome: String
    /// The steps that raised each fire edge.
    public var fireSteps: [Int] = []
  }

  /// Runs `scenario` (of `plan`, the protocol its file holds) and checks it, its session
  /// written into the record at `record` (which may hold others); `observe` sees every step as
  /// it begins.
  public static func run(
    _ scenario: Scenario, plan: TreatmentProtocol, record: String,
    observe: ((Int, StepLog.Kind) -> Void)? = nil
  ) -> Verdict {
    final class Moment {
      var at: Instant?
      /// Whether the watchdog was being fed then: a stall before the first kick stops nothing.
      var kicked = false
    }
    let moment = Moment()
    let interruption = scenario.interruption
    var options = SimulationOptions(
      protocolPath: scenario.protocolPath, boardPath: scenario.boardPath, seed: scenario.seed,
      faults: interruption?.faults(at: .step(scenario.step)) ?? [], pauseLimit: Scenario.pauseLimit,
      recordPath: record, showProgress: false)
    options.operatorActs = interruption?.acts(at: .step(scenario.step)) ?? []
    let result: SimulationResult
    do {
      result = try SimulationSession.run(options) { board in
        board.clock.steps.observer = observe
        if interruption != nil {
          board.schedule(.step(scenario.step)) {
            moment.at = board.clock.now
            moment.kicked = board.lastKick != nil
          }
        }
      }
    } catch {
      return Verdict(
        scenario: scenario, steps: 0, violations: ["the run did not end normally: \(error)"],
        interruptedAt: nil,
        outcome: "error")
    }
    let steps = result.board.clock.steps.count
    var violations = check(result, plan: plan, scenario: scenario, at: moment.at, kicked: moment.kicked)
    violations += checkRecord(record, session: result.recordSession, board: result.board)
    return Verdict(
      scenario: scenario, steps: steps, violations: violations,
      interruptedAt: moment.at, outcome: result.summary.outcome,
      fireSteps: result.board.fireDetails.map(\.step))
  }

  /// The invariants that the board and the summary show.
  static func check(
    _ result: SimulationResult, plan: TreatmentProtocol, scenario: Scenario, at interrupted: Instant?,
    kicked: Bool
  ) -> [String] {
    var broken: [String] = []
    let board = result.board
    for (index, detail) in board.fireDetails.enumerated() where !detail.armed {
      broken.append(
        "fire edge \(index) at step \(detail.step) while the HV outputs were off (the machine not ready)")
    }
    broken += windows(
      result.pulses, plan: plan, lead: board.description.timing.fireCheckLead.nanoseconds)
    let train = board.supervisor.trainPulses
    if board.fireEdges.count * train != result.pulses.count {
      broken.append(
        "the board saw \(board.fireEdges.count) fire edges of \(train); the summary lists \(result.pulses.count) pulses"
      )
    }
    let end = board.clock.now
    for role in [LineRole.hvEnable, .bleedRelease, .pulseFire] where board.gpio.output(role) {
      broken.append("\(role.rawValue) still on at the end")
    }
    if !board.chargerSafe(at: end) { broken.append("the charger not held safe at the end") }
    let bank = board.charger.voltage(at: end)
    if bank >= board.description.interlocks.bledBelow {
      broken.append("the bank at \(bank) at the end, above \(board.description.interlocks.bledBelow)")
    }
    if let interruption = scenario.interruption, let interrupted {
      // Nothing is kicked, charged or fired before the controller first kicks: a stall then is
      // a slow start, no fault (docs/safety.md).
      let stallBeforeStart = !kicked && interruption.isStall
      if !stallBeforeStart {
        broken += afterInterruption(interruption, at: interrupted, step: scenario.step, board: board)
      }
    }
    return broken
  }

  /// Every pulse inside its window: not before its scheduled instant, not after the
  /// permission's deadline (the ECG delivery window, or the fire check's lead at a fixed rate).
  static func windows(_ pulses: [DeliveredPulse], plan: TreatmentProtocol, lead: Nanoseconds) -> [String] {
    let window = plan.ecgGating.map { $0.window.nanoseconds } ?? lead
    var broken: [String] = []
    for pulse in pulses {
      let late = pulse.fired - pulse.scheduled
      if late < .zero || late > window {
        broken.append("pulse \(pulse.index) fired \(late) after its scheduled instant (window \(window))")
      }
    }
    return broken
  }

  /// What an interruption must have caused: the outputs safe within its interlock's deadline,
  /// and no edge after it but the one already on its way (the last look before an edge reads the
  /// lines microseconds before it; a change after that read is seen at the next poll).
  static func afterInterruption(
    _ interruption: Interruption, at interrupted: Instant, step: Int, board: SimulatedBoard
  )
    -> [String]
  {
    var broken: [String] = []
    let later = board.fireDetails.enumerated().filter { $0.element.step > step }
    switch interruption {
    case .act(.abort):
      if !later.isEmpty { broken.append("\(later.count) fire edges after the abort at step \(step)") }
    case .act, .fault:
      guard let interlock = interruption.interlock else { break }
      // A pause ends when the (scripted) operator resumes; edges after that are the
      // treatment going on, and every one of them needed the machine ready again.
      if interruption != .act(.pause) && later.count > 1 {
        broken.append(
          "\(later.count) fire edges after \(interruption) at step \(step) (at most the one on its way)")
      }
      if case .within(let deadline) = interlock.deadline {
        // The watchdog or the controller: whichever made the charger safe first.
        if let safe = board.chargerSafe(from: interrupted) {
          if safe - interrupted > deadline {
            broken.append("outputs safe \(safe - interrupted) after \(interruption) (deadline \(deadline))")
          }
        } else {
          broken.append("outputs never safe after \(interruption)")
        }
      }
    }
    return broken
  }

  /// The record verifies and its bounds contain what the board delivered.
  static func checkRecord(_ path: String, session id: String?, board: SimulatedBoard) -> [String] {
    do {
      guard let id else { return ["the run wrote no session"] }
      let record = try TreatmentRecord(path: path)
      if let broken = try record.verify(session: id) { return ["the record does not verify: \(broken)"] }
      guard let session = try record.session(id) else { return ["no session \(id) in the record"] }
      guard let low = session.deliveredMin, let high = session.deliveredMax else {
        return ["the session has no delivered bounds (outcome \(session.outcome))"]
      }
      let truth = board.pulsesDelivered
      return low <= truth && truth <= high
        ? [] : ["the record bounds \(low)...\(high) do not contain the board's \(truth) pulses"]
    } catch {
      return ["the record cannot be read: \(error)"]
    }
  }
}
