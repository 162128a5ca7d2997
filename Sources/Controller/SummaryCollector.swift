import Protocol
import Safety
import Sequencer
import Units

/// Builds the treatment summary from the sequencer's events as they happen.
public final class SummaryCollector: TreatmentObserver {
  public private(set) var pulses: [DeliveredPulse] = []
  public private(set) var skipped: [SkippedBeat] = []
  public private(set) var firstFault: (fault: Fault, at: Instant, pulseIndex: Int)?
  /// Every latched fault, in order, and whether the operator recovered from it.
  public private(set) var faults: [TreatmentSummary.FaultInfo] = []
  /// The bank voltage the controller read last, once the outputs were safe.
  public private(set) var finalBank: Volts?
  /// The first line or bus error, in the backend's words.
  public private(set) var hardwareError: String?
  private let plan: TreatmentProtocol
  private let origin: Instant

  /// The pulses known to have been delivered (counted and measured by the supervisor), up to
  /// every pulse whose fire edge was driven: what went through the patient lies between.
  public var delivered: ClosedRange<Int> { pulses.filter(\.measured).count...pulses.count }

  public init(plan: TreatmentProtocol, origin: Instant) {
    self.plan = plan
    self.origin = origin
  }

  public func treatment(_ event: TreatmentEvent) {
    switch event {
    case .pulse(let pulse): pulses.append(pulse)
    case .skipped(let beat): skipped.append(beat)
    case .fault(let fault, let at, let index):
      if firstFault == nil { firstFault = (fault, at, index) }
      faults.append(
        .init(
          interlock: fault.interlock.rawValue, reason: fault.reason, atMs: milliseconds(at), pulseIndex: index
        ))
    case .recovered: if !faults.isEmpty { faults[faults.count - 1].recovered = true }
    case .hardwareError(let text, _): hardwareError = hardwareError ?? text
    case .ended(let bank, _): finalBank = bank
    case .phase, .state, .intent, .setReviewed, .readiness, .temperature, .trigger, .bank, .console: break
    }
  }

  func milliseconds(_ instant: Instant) -> Double {
    ((instant - origin).milliseconds * 1000).rounded() / 1000
  }

  public func summary(
    backend: String, outcome: TreatmentOutcome, seed: UInt64?, end: Instant
  ) -> TreatmentSummary {
    let pairs = plan.pairs.enumerated().map { index, pair in
      TreatmentSummary.Pair(
        anode: pair.anode, cathode: pair.cathode, voltageV: pair.voltage.value,
        testDelivered: pulses.filter { $0.pair == index && $0.kind == .test }.count,
        therapyDelivered: pulses.filter { $0.pair == index && $0.kind == .therapy }.count,
        skippedBeats: skipped.filter { $0.pair == index }.count)
    }
    var fault: TreatmentSummary.FaultInfo?
    var abortReason: String?
    switch outcome {
    case .completed: break
    case .faulted(let f, let at, let index):
      fault = .init(
        interlock: f.interlock.rawValue, reason: f.reason, atMs: milliseconds(at), pulseIndex: index)
    case .aborted(let reason, _, _):
      abortReason = reason
      if let first = firstFault {
        fault = .init(
          interlock: first.fault.interlock.rawValue, reason: first.fault.reason, atMs: milliseconds(first.at),
          pulseIndex: first.pulseIndex)
      }
    }
    return TreatmentSummary(
      backend: backend, protocol: plan.name, outcome: outcome.name, fault: fault, abortReason: abortReason,
      faults: faults, hardwareError: hardwareError,
      finalBankV: finalBank.map { ($0.value * 10).rounded() / 10 }, seed: seed,
      pairs: pairs,
      pulses: pulses.map {
        .init(
          index: $0.index, pair: $0.pair, kind: $0.kind.rawValue, triggerMs: $0.trigger.map(milliseconds),
          firedMs: milliseconds($0.fired), currentA: $0.current.map { ($0.value * 100).rounded() / 100 },
          voltageV: $0.voltage.map { $0.value.rounded() }, polarity: $0.polarity.rawValue,
          measured: $0.measured)
      },
      skipped: skipped.map { .init(pair: $0.pair, reason: $0.reason.rawValue, atMs: milliseconds($0.at)) },
      durationMs: milliseconds(end))
  }
}
