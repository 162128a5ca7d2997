import Telemetry

/// What the console knows of the treatment, built from the telemetry lines alone.
struct MonitorModel {
  struct Pulse: Equatable {
    var indexInPair: Int
    var current: Double
    var test: Bool
  }

  enum Severity { case info, warning, fault }

  struct Event: Equatable {
    var tMs: Double?
    var text: String
    var severity: Severity
    /// The same event again, one after another (skipped beats while paused): counted, not
    /// repeated, so that the log keeps what else happened.
    var repeats = 1
    /// Counts every event the console has seen, whatever the log kept.
    var serial = 0
  }

  var hello: TelemetryMessage?
  var state = "-"
  var stateCause: String?
  var stateReason: String?
  var phase = "-"
  var pair: Int?
  /// Pulses delivered, in all and per pair; skipped beats in all.
  var delivered = 0
  var deliveredInPair: [Int: Int] = [:]
  var skipped = 0
  /// The current pair's pulses, for the plot.
  var pulses: [Pulse] = []
  /// The current of each pair's latest pulse, by pair.
  var lastCurrentInPair: [Int: Double] = [:]
  /// Each pair's planned current, from the `plan` message.
  var plannedCurrents: [Double?] = []
  var lastPulse: TelemetryMessage?
  var bank: Double?
  var temperature: Double?
  var triggers: [Double] = []
  var deliveries: [Double] = []
  var skips: [Double] = []
  var failing: Set<String> = []
  /// The latched fault: its interlock and reason.
  var latched: (interlock: String, reason: String, pulse: Int?)?
  var events: [Event] = []
  private(set) var eventSerial = 0
  var outcome: String?
  var outcomeReason: String?
  /// The latest time any line carried, in ms from the start of the session.
  var now: Double = 0
  /// Fire times of the pulses, to estimate the time left.
  var fireTimes: [Double] = []

  var totalPulses: Int {
    guard let hello else { return 0 }
    return (hello.pairs?.count ?? 0) * ((hello.testPulses ?? 0) + (hello.therapyPulses ?? 0))
  }

  var pairPulses: Int { (hello?.testPulses ?? 0) + (hello?.therapyPulses ?? 0) }

  /// The current pair's predicted current (the planner's, from the `hello`) and its latest
  /// measured one.
  var plannedCurrent: Double? {
    guard let pair, plannedCurrents.indices.contains(pair) else { return nil }
    return plannedCurrents[pair]
  }
  var measuredCurrent: Double? { pair.flatMap { lastCurrentInPair[$0] } }

  /// The heart rate from the recent triggers (median RR), in beats per minute.
  var heartRate: Double? {
    guard triggers.count >= 3 else { return nil }
    let recent = triggers.suffix(9)
    let intervals = zip(recent.dropFirst(), recent).map { $0 - $1 }.filter { $0 > 0 }.sorted()
    guard !intervals.isEmpty else { return nil }
    return 60_000 / intervals[intervals.count / 2]
  }

  /// Time left at the recent pace, in seconds.
  var secondsLeft: Double? {
    guard fireTimes.count >= 3, let first = fireTimes.suffix(20).first, let last = fireTimes.last,
      last > first
    else { return nil }
    let perPulse = (last - first) / Double(min(fireTimes.count, 20) - 1)
    return Double(max(totalPulses - delivered, 0)) * perPulse / 1000
  }

  mutating func apply(_ message: TelemetryMessage) {
    if let t = message.tMs { now = max(now, t) }
    switch message.type {
    case .hello:
      self = MonitorModel()
      hello = message
    case .state:
      state = message.state ?? "-"
      stateCause = message.cause
      stateReason = message.reason
      if state == "latched", let cause = message.cause {
        latched = (cause, message.reason ?? "", latched?.pulse)
      } else if state != "latched" {
        latched = nil
      }
    case .phase:
      phase = message.phase ?? "-"
      if let next = message.pair, next != pair {
        pair = next
        pulses = []
      }
    case .pulse:
      // A pulse says which phase the pair is in: the sequencer announces charging between
      // sets, not the return to delivery.
      phase = message.kind == "test" ? "test_pulses" : "therapy"
      delivered += 1
      let pairIndex = message.pair ?? -1
      deliveredInPair[pairIndex, default: 0] += 1
      if pairIndex != pair {
        pair = pairIndex
        pulses = []
      }
      pulses.append(
        Pulse(
          indexInPair: deliveredInPair[pairIndex, default: 1] - 1, current: message.currentA ?? 0,
          test: message.kind == "test"))
      lastPulse = message
      if let current = message.currentA { lastCurrentInPair[pairIndex] = current }
      if let fired = message.tMs {
        fireTimes.append(fired)
        if fireTimes.count > 40 { fireTimes.removeFirst() }
        deliveries.append(message.triggerMs ?? fired)
        trim(&deliveries)
      }
    case .skipped:
      skipped += 1
      if let t = message.tMs {
        skips.append(t)
        trim(&skips)
      }
      log(message.tMs, "beat skipped: \(message.reason ?? "?")", .info)
    case .trigger:
      if let t = message.tMs {
        triggers.append(t)
        trim(&triggers)
      }
    case .bank: bank = message.volts
    case .temperature: temperature = message.celsius
    case .readiness: failing = Set(message.failing ?? [])
    case .fault:
      let interlock = message.interlock ?? "?"
      latched = (interlock, message.reason ?? "", message.pulseIndex)
      log(message.tMs, "FAULT \(interlock): \(message.reason ?? "")", .fault)
    case .recovered:
      log(message.tMs, "recovered: \(message.interlock ?? "?") cleared and acknowledged", .warning)
    case .review:
      let set = (message.set ?? 0) + 1
      log(
        nil,
        "set \(set) of pair \((message.pair ?? 0) + 1) \(message.accepted == true ? "accepted" : "rejected")",
        .info)
    case .hardwareError:
      log(message.tMs, "HARDWARE ERROR: \(message.text ?? "")", .fault)
    case .console:
      let verb = message.accepted == true ? "taken" : "REFUSED"
      log(
        message.tMs, "console \(message.command ?? "?") \(verb): \(message.text ?? "")",
        message.accepted == true ? .warning : .fault)
    case .log:
      log(message.tMs, message.text ?? "", .info)
    case .progress:
      delivered = message.deliveredTotal ?? delivered
      skipped = message.skippedTotal ?? skipped
    case .heartbeat:
      break
    case .plan:
      plannedCurrents = (message.pairs ?? []).map(\.plannedCurrentA)
    case .ended:
      outcome = message.outcome
      outcomeReason = message.reason
      log(
        message.tMs, "treatment \(message.outcome ?? "ended")\(message.reason.map { ": \($0)" } ?? "")",
        message.outcome == "completed" ? .info : .fault)
    }
  }

  private mutating func log(_ tMs: Double?, _ text: String, _ severity: Severity) {
    if let last = events.last, last.text == text, last.severity == severity {
      events[events.count - 1].repeats += 1
      events[events.count - 1].tMs = tMs ?? last.tMs
      return
    }
    eventSerial += 1
    events.append(
      Event(tMs: tMs ?? (now > 0 ? now : nil), text: text, severity: severity, serial: eventSerial))
    if events.count > 200 { events.removeFirst(events.count - 200) }
  }

  /// Keeps the marks of the last minute.
  private func trim(_ marks: inout [Double]) {
    if marks.count > 400 { marks.removeFirst(marks.count - 400) }
  }

  /// Whether an interlock is failing now, and whether it is the latched fault.
  func interlockStatus(_ name: String) -> (failing: Bool, latched: Bool) {
    let isLatched = latched?.interlock == name
    let paused = state == "paused" && (stateCause?.split(separator: "+").contains { $0 == name } ?? false)
    return (failing.contains(name) || isLatched || paused, isLatched)
  }
}
