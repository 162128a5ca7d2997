import Foundation
import Protocol
import Safety
import Sequencer
import Units

/// Shows a running treatment on the operator's terminal (standard error): on a terminal one
/// status line rewritten after each pulse, otherwise one line per phase, so that a log stays
/// readable.
public final class ProgressReporter: TreatmentObserver {
  private let plan: TreatmentProtocol
  private let interactive: Bool
  private let origin: Instant
  private var pair = 0
  private var phase = TreatmentPhase.bringUp
  private var delivered: [Int: (test: Int, therapy: Int)] = [:]
  private var skipped: [Int: Int] = [:]
  private var lastCurrent: Amperes?

  public init(plan: TreatmentProtocol, origin: Instant, interactive: Bool = isatty(STDERR_FILENO) == 1) {
    self.plan = plan
    self.origin = origin
    self.interactive = interactive
  }

  public func treatment(_ event: TreatmentEvent) {
    switch event {
    case .phase(let newPhase, let newPair):
      if let newPair { pair = newPair }
      if newPhase != phase, !interactive, newPhase == .review || newPhase == .finishing {
        emit(line: status())
      }
      phase = newPhase
    case .pulse(let pulse):
      var counts = delivered[pulse.pair] ?? (0, 0)
      if pulse.kind == .test { counts.test += 1 } else { counts.therapy += 1 }
      delivered[pulse.pair] = counts
      lastCurrent = pulse.current
      if interactive { redraw() }
    case .skipped(let beat):
      skipped[beat.pair, default: 0] += 1
    case .fault(let fault, let at, _):
      emit(line: "t=\(clockText(at))  FAULT \(fault.interlock.rawValue): \(fault.reason)")
    case .hardwareError(let text, let at):
      emit(line: "t=\(clockText(at))  HARDWARE ERROR: \(text)")
    case .recovered(let fault, let at):
      emit(line: "t=\(clockText(at))  cause cleared and acknowledged: \(fault.interlock.rawValue); going on")
    case .console(let command, let accepted, let detail, let at):
      emit(line: "t=\(clockText(at))  console \(command): \(accepted ? "taken" : "refused"): \(detail)")
    case .state, .intent, .setReviewed, .ended, .readiness, .temperature, .trigger, .bank:
      break
    }
  }

  /// Ends the status line so that what follows starts on its own line.
  public func finish() {
    if interactive { write("\n") }
  }

  private func status() -> String {
    let label = plan.pairs.indices.contains(pair) ? plan.pairs[pair].label : "-"
    let counts = delivered[pair] ?? (0, 0)
    let current = lastCurrent.map { String(format: "%.1f A", $0.value) } ?? "-"
    let total = delivered.values.reduce(0) { $0 + $1.test + $1.therapy }
    return "pair \(label) (\(pair + 1)/\(plan.pairs.count))  test \(counts.test)/\(plan.test.pulses)"
      + "  therapy \(counts.therapy)/\(plan.therapy.pulses)  last \(current)"
      + "  skipped \(skipped[pair] ?? 0)  total \(total)/\(plan.totalPulses)"
  }

  private func redraw() { write("\r\u{1B}[K" + status()) }

  private func emit(line: String) {
    if interactive { write("\r\u{1B}[K" + line + "\n") } else { write(line + "\n") }
  }

  private func clockText(_ instant: Instant) -> String {
    String(format: "%.3f s", (instant - origin).seconds)
  }

  /// Through the writer that never traps: a terminal gone (EIO, EPIPE) loses the progress,
  /// never the treatment.
  private func write(_ text: String) {
    TerminalWriter.write(text)
  }
}
