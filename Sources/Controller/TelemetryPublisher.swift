import Foundation
import Protocol
import Safety
import Sequencer
import Telemetry
import Units

/// Turns the treatment's events into telemetry lines for the consoles. It runs on the thread
/// that drains the events (as the record and the summary do), never on the timing thread.
final class TelemetryPublisher: TreatmentObserver {
  let server: TelemetryServer
  private let origin: Instant
  private var delivered = 0
  private var skipped = 0

  init(
    server: TelemetryServer, plan: TreatmentProtocol, board: BoardDescription, backend: String,
    origin: Instant
  ) {
    self.server = server
    self.origin = origin
    var hello = TelemetryMessage(.hello, at: 0)
    hello.backend = backend
    hello.protocolName = plan.name
    hello.board = board.name
    hello.pairs = plan.pairs.map {
      TelemetryMessage.Pair(anode: $0.anode, cathode: $0.cathode, voltageV: $0.voltage.value)
    }
    hello.testPulses = plan.test.pulses
    hello.therapyPulses = plan.therapy.pulses
    hello.setSize = plan.therapy.setSize
    hello.trainPulses = plan.pulse.train.pulses
    switch plan.sync {
    case .ecg: hello.sync = "ecg"
    case .fixedRate(let rate):
      hello.sync = "fixed_rate"
      hello.rateHz = rate.value
    }
    hello.interlocks = Interlock.allCases.map(\.rawValue)
    server.publish(hello)
  }

  /// Plans the pairs' currents on another thread and sends them (`plan`) when they are known, so
  /// that the treatment's start (its record, its charging) does not wait for the planner.
  static func publishPlannedCurrents(
    of plan: TreatmentProtocol, libraryPath: String, to server: TelemetryServer
  ) {
    DispatchQueue.global(qos: .utility).async {
      guard let currents = ProtocolPlanning.plannedCurrents(plan, libraryPath: libraryPath),
        currents.count == plan.pairs.count
      else { return }
      var message = TelemetryMessage(.plan)
      message.pairs = zip(plan.pairs, currents).map { pair, current in
        TelemetryMessage.Pair(
          anode: pair.anode, cathode: pair.cathode, voltageV: pair.voltage.value,
          plannedCurrentA: (current.value * 10).rounded() / 10)
      }
      server.publish(message)
    }
  }

  private func ms(_ instant: Instant) -> Double { ((instant - origin).milliseconds * 1000).rounded() / 1000 }

  func treatment(_ event: TreatmentEvent) {
    switch event {
    case .phase(let phase, let pair):
      var message = TelemetryMessage(.phase)
      message.phase = phase.rawValue
      message.pair = pair
      server.publish(message)
    case .state(let state, let at):
      var message = TelemetryMessage(.state, at: ms(at))
      message.state = state.name
      switch state {
      case .paused(let causes):
        message.cause = causes.names
        message.reason = causes.interlocks.map(\.reason).joined(separator: "; ")
      case .latched(let fault), .pairStopped(let fault):
        message.cause = fault.interlock.rawValue
        message.reason = fault.reason
      case .idle, .switching, .charging, .ready, .delivering, .finished: break
      }
      server.publish(message)
    case .pulse(let pulse):
      var message = TelemetryMessage(.pulse, at: ms(pulse.fired))
      message.index = pulse.index
      message.pair = pulse.pair
      message.kind = pulse.kind.rawValue
      message.currentA = pulse.current?.value
      message.voltageV = pulse.voltage?.value
      message.onsetErrorUs = (pulse.fired - pulse.scheduled).microseconds
      message.triggerMs = pulse.trigger.map(ms)
      message.supervisorCount = pulse.supervisorCount.map(Int.init)
      message.reason = pulse.polarity.rawValue
      server.publish(message)
      delivered += 1
      publishProgress(at: pulse.fired)
    case .skipped(let beat):
      var message = TelemetryMessage(.skipped, at: ms(beat.at))
      message.pair = beat.pair
      message.reason = beat.reason.rawValue
      server.publish(message)
      skipped += 1
      publishProgress(at: beat.at)
    case .fault(let fault, let at, let index):
      var message = TelemetryMessage(.fault, at: ms(at))
      message.interlock = fault.interlock.rawValue
      message.reason = fault.reason
      message.pulseIndex = index
      server.publish(message)
    case .recovered(let fault, let at):
      var message = TelemetryMessage(.recovered, at: ms(at))
      message.interlock = fault.interlock.rawValue
      server.publish(message)
    case .setReviewed(let pair, let set, let accepted):
      var message = TelemetryMessage(.review)
      message.pair = pair
      message.set = set
      message.accepted = accepted
      server.publish(message)
    case .readiness(let failing, let at):
      var message = TelemetryMessage(.readiness, at: ms(at))
      message.failing = failing.interlocks.map(\.rawValue)
      server.publish(message)
    case .temperature(let celsius, let at):
      var message = TelemetryMessage(.temperature, at: ms(at))
      message.celsius = celsius.value
      server.publish(message)
    case .bank(let volts, let at):
      var message = TelemetryMessage(.bank, at: ms(at))
      message.volts = volts.value
      server.publish(message)
    case .trigger(let at):
      server.publish(TelemetryMessage(.trigger, at: ms(at)))
    case .hardwareError(let text, let at):
      var message = TelemetryMessage(.hardwareError, at: ms(at))
      message.text = text
      server.publish(message)
    case .console(let command, let accepted, let detail, let at):
      var message = TelemetryMessage(.console, at: ms(at))
      message.command = command
      message.accepted = accepted
      message.text = detail
      server.publish(message)
    case .ended(let bank, let at):
      var message = TelemetryMessage(.bank, at: ms(at))
      message.volts = bank?.value
      server.publish(message)
    case .intent:
      break
    }
  }

  private func publishProgress(at instant: Instant) {
    var message = TelemetryMessage(.progress, at: ms(instant))
    message.deliveredTotal = delivered
    message.skippedTotal = skipped
    server.publish(message)
  }

  /// The controller is alive (sent every second from the thread that drains the events).
  func heartbeat(at instant: Instant) { server.publish(TelemetryMessage(.heartbeat, at: ms(instant))) }

  /// The last line: how the treatment ended.
  func ended(_ outcome: TreatmentOutcome, at instant: Instant) {
    var message = TelemetryMessage(.ended, at: ms(instant))
    message.outcome = outcome.name
    switch outcome {
    case .completed: break
    case .faulted(let fault, _, _): message.reason = "\(fault.interlock.rawValue): \(fault.reason)"
    case .aborted(let reason, _, _): message.reason = reason
    }
    server.publish(message)
  }

  /// A line the operator's terminal showed.
  func log(_ text: String, at instant: Instant) {
    var message = TelemetryMessage(.log, at: ms(instant))
    message.text = text
    server.publish(message)
  }
}
