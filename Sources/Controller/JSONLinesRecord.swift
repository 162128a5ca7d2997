import Foundation
import Glibc
import Protocol
import Safety
import Sequencer
import Units

/// The treatment record as JSON lines, written ahead: the intent to fire is on disk (fsync'd)
/// before the pulse, the measured outcome after it, so that after a crash the record bounds
/// what was delivered. Every line says which backend ran, so a simulated session can never be
/// taken for a treatment.
public final class JSONLinesRecord: TreatmentObserver {
  public struct OpenError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "cannot open the record \(path): \(String(cString: strerror(errno)))" }
  }

  private let descriptor: Int32
  private let backend: String
  private let origin: Instant
  private let session: String
  /// The first write error, if any: reported at the end, never allowed to stop a pulse.
  public private(set) var writeError: Int32?

  public init(path: String, backend: String, session: String, origin: Instant, header: [String: String])
    throws
  {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
    guard fd >= 0 else { throw OpenError(path: path, errno: errno) }
    descriptor = fd
    self.backend = backend
    self.origin = origin
    self.session = session
    var fields: [String: Any] = ["event": "session_start"]
    for (key, value) in header { fields[key] = value }
    append(fields, durable: true)
  }

  deinit { Glibc.close(descriptor) }

  public func treatment(_ event: TreatmentEvent) {
    switch event {
    case .intent(let intent):
      append(
        [
          "event": "intent", "index": intent.index, "pair": intent.pair, "kind": intent.kind.rawValue,
          "scheduled_ms": ms(intent.scheduled), "pulses": intent.pulses,
        ], durable: true)
    case .pulse(let pulse):
      append(
        [
          "event": "pulse", "index": pulse.index, "pair": pulse.pair, "kind": pulse.kind.rawValue,
          "trigger_ms": pulse.trigger.map(ms) ?? NSNull(), "scheduled_ms": ms(pulse.scheduled),
          "fired_ms": ms(pulse.fired), "onset_error_us": (pulse.fired - pulse.scheduled).microseconds,
          "current_a": pulse.current.value, "voltage_v": pulse.voltage.value,
          "polarity": pulse.polarity.rawValue,
        ], durable: false)
    case .skipped(let beat):
      append(
        ["event": "skipped", "pair": beat.pair, "reason": beat.reason.rawValue, "at_ms": ms(beat.at)],
        durable: false)
    case .fault(let fault, let at, let index):
      append(
        [
          "event": "fault", "interlock": fault.interlock.rawValue, "reason": fault.reason, "at_ms": ms(at),
          "pulse_index": index,
        ], durable: true)
    case .state(let state, let at):
      var fields: [String: Any] = ["event": "state", "state": state.name, "at_ms": ms(at)]
      switch state {
      case .paused(let cause): fields["cause"] = cause.rawValue
      case .latched(let fault), .pairStopped(let fault): fields["cause"] = fault.interlock.rawValue
      case .idle, .switching, .charging, .ready, .delivering, .finished: break
      }
      append(fields, durable: false)
    case .hardwareError(let text, let at):
      append(["event": "hardware_error", "error": text, "at_ms": ms(at)], durable: true)
    case .readiness(let failing, let at):
      append(
        ["event": "readiness", "failing": failing.interlocks.map(\.rawValue), "at_ms": ms(at)], durable: false
      )
    case .recovered(let fault, let at):
      append(
        ["event": "recovered", "interlock": fault.interlock.rawValue, "at_ms": ms(at)], durable: true)
    case .ended(let bank, let at):
      append(
        ["event": "outputs_safe", "bank_v": bank.map(\.value) ?? NSNull(), "at_ms": ms(at)], durable: true)
    case .phase, .setReviewed:
      break
    }
  }

  /// The closing line: how the session ended.
  public func close(outcome: TreatmentOutcome, delivered: Int, at end: Instant) {
    append(
      ["event": "session_end", "outcome": outcome.name, "delivered": delivered, "at_ms": ms(end)],
      durable: true)
  }

  private func ms(_ instant: Instant) -> Double { (instant - origin).milliseconds }

  private func append(_ fields: [String: Any], durable: Bool) {
    var line = fields
    line["backend"] = backend
    line["session"] = session
    guard writeError == nil,
      var data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    else { return }
    data.append(0x0A)
    let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    if written != data.count { writeError = errno }
    if durable && fdatasync(descriptor) != 0 { writeError = errno }
  }
}
