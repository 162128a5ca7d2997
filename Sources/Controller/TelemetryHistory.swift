import Telemetry

/// What a console that connects in the middle of a treatment is sent first, so that it shows
/// the whole picture at once: the hello, the current pair's pulses, the recent triggers and
/// events, and the latest state, phase, readiness, bank voltage and temperature. Bounded
/// (a few hundred lines), whatever the length of the treatment.
struct TelemetryHistory {
  private var hello: String?
  private var latest: [TelemetryMessage.Kind: String] = [:]
  private var pair: Int?
  private var pulses: [String] = []
  private var triggers: [String] = []
  private var events: [String] = []
  static let triggersKept = 60
  static let eventsKept = 50
  static let pulsesKept = 1000

  mutating func add(_ message: TelemetryMessage, line: String) {
    switch message.type {
    case .hello: hello = line
    case .state, .readiness, .bank, .temperature, .progress, .plan: latest[message.type] = line
    case .heartbeat: break
    case .phase:
      latest[.phase] = line
      if let next = message.pair, next != pair {
        pair = next
        pulses.removeAll(keepingCapacity: true)
      }
    case .pulse: Self.keep(line, in: &pulses, at: Self.pulsesKept)
    case .trigger: Self.keep(line, in: &triggers, at: Self.triggersKept)
    case .skipped, .fault, .recovered, .review, .hardwareError, .console, .log, .ended:
      Self.keep(line, in: &events, at: Self.eventsKept)
    }
  }

  private static func keep(_ line: String, in lines: inout [String], at most: Int) {
    if lines.count == most { lines.removeFirst() }
    lines.append(line)
  }

  /// In the order a console should read them: the latest state last.
  func replay() -> [String] {
    var lines = hello.map { [$0] } ?? []
    if let plan = latest[.plan] { lines.append(plan) }
    lines += pulses + triggers + events
    for kind in [TelemetryMessage.Kind.bank, .temperature, .readiness, .phase, .state, .progress] {
      if let line = latest[kind] { lines.append(line) }
    }
    return lines
  }
}
