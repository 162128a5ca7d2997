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
      faults: interruption?.faults(at: scenario.step) ?? [], pauseLimit: Scenario.pauseLimit,
      recordPath: record, showProgress: false)
    options.operatorActs = interruption?.acts(at: scenario.step) ?? []
    let result: SimulationResult
    do {
      result = try SimulationSession.run(options) { board in
        board.clock.steps.observer = observe
        board.bus.logsTransfers = true
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
      // A stall that lands on the write itself, after the fire path's last reading of the
      // clock, holds the edge back past the watchdog's timeout: the one window software cannot
      // close (a thread preempted inside the call that raises the line). The watchdog has
      // dropped HV by then, and the pulse board fires from a bank being bled.
      if scenario.interruption?.isStall == true && detail.step == scenario.step { continue }
      broken.append(
        "fire edge \(index) at step \(detail.step) while the HV outputs were off (the machine not ready)")
    }
    broken += staleLooks(board.fireDetails)
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

  /// The most steps from the last look's last read to its edge: the wait for the pulse's
  /// instant (when the look came back early), then the write.
  static let lookToEdgeSteps = 2

  /// Every edge fired on a fresh look: its five lines read one after another in the look's
  /// order, the last of them at most `lookToEdgeSteps` before the edge. An edge fired on older
  /// reads (the fire check's snapshot, a look taken out, a step slipped in between) is caught
  /// here, whatever else the run did.
  static func staleLooks(_ details: [SimulatedBoard.FireDetail]) -> [String] {
    var broken: [String] = []
    for (index, detail) in details.enumerated() {
      let reads = LineRole.lastLookLines.map { detail.lookReads[$0] ?? 0 }
      let consecutive = zip(reads, reads.dropFirst()).allSatisfy { $1 == $0 + 1 }
      let first = reads.first ?? 0
      let last = reads.last ?? 0
      if first == 0 || !consecutive || detail.step - last > lookToEdgeSteps {
        let lines = zip(LineRole.lastLookLines, reads).map {
          "\($0.rawValue) \($1 == 0 ? "never" : "at \($1)")"
        }
        broken.append(
          "fire edge \(index) at step \(detail.step): its last look is not fresh (read: \(lines.joined(separator: ", ")))"
        )
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
  /// and no edge after it but one that it came too late to stop, until the operator's answer
  /// (a resume, an acknowledgement) if one follows:
  /// - an abort: no edge at a later step (an abort at the edge's own step came after its last
  ///   look at the command ring);
  /// - a pause: no edge before the operator resumes (half a second later when told to, the
  ///   scripted operator's 3 s otherwise);
  /// - an input: only an edge whose last look read every line the input changed before it;
  /// - a bus fault: only an edge before which the controller did not touch the failing chip
  ///   again (a frozen chip: did not write to it again, since only a fresh value written and
  ///   read back tells a frozen chip from a live one);
  /// - a stall past the watchdog: only an edge whose last reading of the clock was over.
  static func afterInterruption(
    _ interruption: Interruption, at interrupted: Instant, step: Int, board: SimulatedBoard
  )
    -> [String]
  {
    var broken: [String] = []
    let until = interruption.then == nil ? nil : interrupted + interruption.after
    let later = zip(board.fireEdges, board.fireDetails).filter { edge, detail in
      detail.step > step && until.map { edge < $0 } ?? true
    }
    func refuse(_ edges: [(Instant, SimulatedBoard.FireDetail)], _ why: String) {
      for (edge, detail) in edges {
        broken.append(
          "fire edge at step \(detail.step) (\(edge)) after \(interruption) at step \(step): \(why)")
      }
    }
    switch interruption.part {
    case .act(.abort):
      refuse(later, "nothing may fire after an abort")
    case .act(.pause):
      let resumed = interrupted + (interruption.then == nil ? Exploration.scriptedResume : interruption.after)
      refuse(later.filter { $0.0 < resumed }, "nothing may fire before the operator resumes")
    case .act(.resume), .act(.acknowledge):
      break
    case .fault(let kind, _, _):
      switch kind {
      case .estop, .lidOpen, .footswitchRelease, .footswitchDisagree, .hwFault:
        refuse(
          later.filter { lookSaw(kind, at: step, before: $0.1) }, "its last look came after the change")
      case .i2cNak, .sensorStuck, .busStuck:
        let address = interruption.address
        let touched = { (edge: SimulatedBoard.FireDetail) -> Bool in
          board.bus.transfers.contains {
            $0.step >= step && $0.step < edge.step && $0.address == address
              && ($0.write || kind != .sensorStuck)
          }
        }
        refuse(
          later.filter { touched($0.1) },
          "the controller used the failing chip before it and fired all the same")
      case .stall:
        if interruption.interlock == .timing {
          refuse(later.filter { $0.1.step > step }, "the loop stalled past the watchdog before it")
        }
      case .arc, .overcurrent, .openCircuit, .relayStuck, .extraPulse, .missedPulse, .hvSag, .overtemp,
        .triggerDouble, .asystole, .ectopic:
        break
      }
    }
    if let interlock = interruption.interlock, case .within(let deadline) = interlock.deadline {
      // The watchdog or the controller: whichever made the charger safe first.
      if let safe = board.chargerSafe(from: interrupted) {
        if safe - interrupted > deadline {
          broken.append("outputs safe \(safe - interrupted) after \(interruption) (deadline \(deadline))")
        }
      } else {
        broken.append("outputs never safe after \(interruption)")
      }
    }
    return broken
  }

  /// Whether the last look before `edge` read a line that `kind`, injected right before step
  /// `step`, had changed: the look refuses on any one such line, so the latest read of the
  /// lines the fault changes decides. (A change after that read, in the microseconds before the
  /// edge, is the look's own window.)
  static func lookSaw(_ kind: FaultSpec.Kind, at step: Int, before edge: SimulatedBoard.FireDetail) -> Bool {
    inputs(changedBy: kind).contains { (edge.lookReads[$0] ?? 0) >= step }
  }

  /// The interlock inputs a fault changes (`SimulatedBoard+Faults`), none for the others.
  static func inputs(changedBy kind: FaultSpec.Kind) -> [LineRole] {
    switch kind {
    case .estop: [.estopOK]
    case .lidOpen: [.lidClosed]
    case .hwFault: [.hwFault]
    case .footswitchRelease: [.footswitchA, .footswitchB]
    case .footswitchDisagree: [.footswitchB]
    case .i2cNak, .sensorStuck, .busStuck, .stall, .arc, .overcurrent, .openCircuit, .relayStuck, .extraPulse,
      .missedPulse, .hvSag, .overtemp, .triggerDouble, .asystole, .ectopic:
      []
    }
  }

  /// The scripted operator resumes an operator pause after this long (`ScriptedOperator`).
  static let scriptedResume = Nanoseconds.seconds(3)

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
