import Foundation
import HAL
import Protocol
import Safety
import Sequencer
import Simulator
import Units

/// `irectl bench timing`: the real timing thread, on real time, against the simulator backend:
/// how close to its deadline each pulse fires, how close to trigger + delay, and — in the same
/// run, on the same thread with the same scheduling — how late the operating system wakes a
/// plain absolute-deadline sleep (what cyclictest measures). Sleeping to a margin and spinning
/// the rest must beat the plain wake-up; the spin's CPU cost is reported beside it.
public enum TimingBenchmark {
  /// Percentiles of one latency, in microseconds: exact (nearest rank over the sorted samples,
  /// which may be negative: a pulse early is as wrong as one late), with the smallest and the
  /// largest.
  public struct Percentiles: Codable, Equatable, Sendable {
    public var min: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var count: Int

    init(_ samples: some Sequence<Int64>) {
      let sorted = samples.sorted()
      func us(_ ns: Int64) -> Double { (Double(ns) / 10).rounded() / 100 }
      func rank(_ percent: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1
        return us(sorted[Swift.min(Swift.max(index, 0), sorted.count - 1)])
      }
      min = us(sorted.first ?? 0)
      p50 = rank(50)
      p90 = rank(90)
      p99 = rank(99)
      p999 = rank(99.9)
      max = us(sorted.last ?? 0)
      count = sorted.count
    }
  }

  /// Where each pulse's time went on its way to the edge (`FireTrace`), as percentiles.
  public struct FirePath: Codable, Equatable, Sendable {
    /// How late the sleep before the spin returned after its deadline (the spin margin before
    /// the spin's end): the operating system's wake-up, which the spin absorbs.
    public var wakeUp: Percentiles
    /// The spin, from the wake-up to its end.
    public var spin: Percentiles
    /// The last look: the machine's permission, the five interlock lines, the pending stop.
    public var lastLook: Percentiles
    /// The look's lead: how long before the instant the spin ended to leave room for the look.
    public var lead: Percentiles
    /// The wait on the clock between a look that came back early and the instant.
    public var settle: Percentiles
    /// The call that raised `pulse_fire`.
    public var fireWrite: Percentiles
    /// One clock read, as the fire path reads the clock.
    public var clockRead: Percentiles

    init(_ traces: [FireTrace], margin: Nanoseconds) {
      wakeUp = Percentiles(traces.map { $0.wakeUp(margin: margin).value })
      spin = Percentiles(traces.map { $0.spin.value })
      lastLook = Percentiles(traces.map { $0.look.value })
      lead = Percentiles(traces.map { $0.lead.value })
      settle = Percentiles(traces.map { $0.settle.value })
      fireWrite = Percentiles(traces.map { $0.fireWrite.value })
      clockRead = Percentiles(traces.map { $0.clockRead.value })
    }

    enum CodingKeys: String, CodingKey {
      case wakeUp = "wake_up"
      case spin
      case lastLook = "last_look"
      case lead, settle
      case fireWrite = "fire_write"
      case clockRead = "clock_read"
    }

    /// The rows of the breakdown table, in the order the time passes.
    public var rows: [(String, Percentiles)] {
      [
        ("wake-up before spin", wakeUp), ("spin", spin), ("last look", lastLook), ("look lead", lead),
        ("wait after look", settle), ("fire write", fireWrite), ("clock read", clockRead),
      ]
    }
  }

  public struct Report: Codable, Equatable, Sendable {
    /// Whose lines the pulses went through: "simulator", or "linux" (a test fixture's).
    public var backend: String
    public var onsetErrorUs: Percentiles
    public var triggerLatencyErrorUs: Percentiles
    public var wakeupLatencyUs: Percentiles
    /// Each pulse's way from its sleep to its edge.
    public var firePathUs: FirePath
    /// cyclictest's wake-up latency on the same settings, run right after, where it is
    /// installed.
    public var cyclictest: CyclicTest.Result?
    /// Onset-error p99 over wake-up p99: below 0.5 is what the spin is for.
    public var p99Ratio: Double
    /// CPU time spent spinning to fire deadlines, as a fraction of one core over the run.
    public var spinCPUFraction: Double
    /// SCHED_FIFO and locked memory were both in force.
    public var realtime: Bool
    public var realtimeDetail: String
    public var pulses: Int
    public var rateHz: Double
    public var skippedBeats: Int
    public var durationS: Double
    /// Consoles connected to the telemetry socket during the run (`--consoles`).
    public var consoles: ConsoleLoad?

    enum CodingKeys: String, CodingKey {
      case backend
      case onsetErrorUs = "onset_error_us"
      case triggerLatencyErrorUs = "trigger_latency_error_us"
      case wakeupLatencyUs = "wakeup_latency_us"
      case firePathUs = "fire_path_us"
      case cyclictest
      case p99Ratio = "p99_ratio"
      case spinCPUFraction = "spin_cpu_fraction"
      case realtime
      case realtimeDetail = "realtime_detail"
      case pulses
      case rateHz = "rate_hz"
      case skippedBeats = "skipped_beats"
      case durationS = "duration_s"
      case consoles
    }
  }

  /// The consoles of a run: how many read, how many never read, how many the server dropped,
  /// and how many lines each reading console got.
  public struct ConsoleLoad: Codable, Equatable, Sendable {
    public var reading: Int
    public var stalled: Int
    public var dropped: Int
    public var linesPerConsole: Int

    enum CodingKeys: String, CodingKey {
      case reading, stalled, dropped
      case linesPerConsole = "lines_per_console"
    }
  }

  public static let rates: ClosedRange<Double> = 0.5...4

  /// Runs `pulses` ECG-synchronised pulses at `rate` beats per second on the simulated
  /// reference board (`boardPath`), in real time, or on a Linux board file marked as a test
  /// fixture (`BenchLines`).
  /// With `consoles` > 0, that many clients connect to a telemetry socket for the whole run:
  /// all but one read and decode every line, as a console does; the last never reads.
  public static func run(
    pulses: Int, rate: Double, boardPath: String, recordPath: String? = nil, consoles: Int = 0,
    cyclictest: Bool = false
  ) throws -> Report {
    guard (0...50).contains(consoles) else {
      throw SessionError.invalidInput("--consoles: allowed 0...50; found \(consoles)")
    }
    guard (1...maxPulses).contains(pulses) else {
      throw SessionError.invalidInput("--pulses: allowed 1...\(maxPulses); found \(pulses)")
    }
    guard pairCount(pulses: pulses) != nil else {
      let below = stride(from: pulses - 1, to: 0, by: -1).first { pairCount(pulses: $0) != nil } ?? 1
      let above = (pulses + 1...maxPulses).first { pairCount(pulses: $0) != nil } ?? maxPulses
      throw SessionError.invalidInput(
        "--pulses: above \(pulsesPerPair) the benchmark spreads the pulses evenly over up to"
          + " \(pairs.count) probe pairs of at most \(pulsesPerPair) each, and \(pulses) does not divide"
          + " so (\(below) or \(above) do)")
    }
    guard rate.isFinite, rates.contains(rate) else {
      throw SessionError.invalidInput(
        "--rate: allowed \(formatted(rates.lowerBound))...\(formatted(rates.upperBound)) Hz; found \(formatted(rate))"
      )
    }
    var board = try BoardFile.load(path: boardPath)
    board.interlocks.heartRate = min(20, rate * 30)...max(250, rate * 90)
    board.limits.maxPulsesPerPair = max(board.limits.maxPulsesPerPair, pulses)
    board.limits.maxPulsesPerTreatment = max(board.limits.maxPulsesPerTreatment, pulses)
    let lines = try BenchLines.open(board, path: boardPath, rate: rate)
    defer { lines.close() }
    let text = protocolText(pulses: pulses, rate: rate, window: lines.window)
    let plan = try ProtocolFile.decode(yaml: text, file: "bench-timing", board: board)
    lines.place(plan)
    let generator = PulseGenerator(board: board, gpio: lines.gpio, bus: lines.bus, clock: lines.clock)
    let publisher = EventPublisher(capacity: 1 << 16, waitWhenFull: false)
    let sequencer = TreatmentSequencer(
      plan: plan, generator: generator, operator: ScriptedOperator(), observer: publisher,
      limits: SafetyLimits(plan: plan, board: board))
    let wakeups = LatencyRecorder(capacity: 4_000_000)
    sequencer.wakeLatency = wakeups
    let traces = FireTraceRecorder(capacity: pulses)
    sequencer.fireTraces = traces
    let collector = SummaryCollector(plan: plan, origin: lines.clock.now)
    var observers: [any TreatmentObserver] = [collector]
    var writer: RecordWriter?
    if let recordPath {
      // The record written as in a treatment: intents committed (fsync) between pulses on the
      // draining thread, the timing loop checking the gate before every edge.
      let gate = IntentGate(waitForDisk: false)
      let identity = RecordIdentity(
        backend: lines.backend, protocolPath: "bench-timing", protocolText: text,
        boardPath: boardPath, operatorName: "scripted operator (simulator)", seed: 1)
      writer = try TreatmentExecution.openRecord(
        recordPath, identity, plan: plan, board: board, origin: lines.clock.now, gate: gate, log: { _ in }
      )
      sequencer.intentGate = gate
      if let writer { observers.append(writer) }
    }
    let load = try consoles > 0 ? BenchConsoles(count: consoles) : nil
    if let load {
      observers.append(
        TelemetryPublisher(
          server: load.server, plan: plan, board: board, backend: lines.backend, origin: lines.clock.now))
    }
    let started = PosixTime.monotonicNow()
    let run = TimingRun(sequencer: sequencer, realtime: board.timing)
    let outcome = try run.finish(draining: publisher.ring, into: ObserverGroup(observers))
    writer?.close(outcome: outcome, delivered: collector.delivered)
    let consoleLoad = load?.finish()
    let wall = PosixTime.monotonicNow() - started
    guard case .completed = outcome else {
      let why: String
      switch outcome {
      case .completed: why = ""
      case .faulted(let fault, _, let index): why = " at pulse \(index): \(fault.reason)"
      case .aborted(let reason, _, let index): why = " at pulse \(index): \(reason)"
      }
      throw SessionError.environment("the benchmark treatment did not complete: \(outcome.name)\(why)")
    }
    guard publisher.lostEvents == 0 else {
      throw SessionError.environment("\(publisher.lostEvents) events lost during the benchmark")
    }
    guard case .ecg(let gating) = plan.sync else {
      throw SessionError.environment("benchmark protocol is not ECG-gated")
    }
    let pulsesSeen = collector.pulses
    let onset = Percentiles(pulsesSeen.map { ($0.fired - $0.scheduled).value })
    let trigger = Percentiles(
      pulsesSeen.compactMap { pulse in
        pulse.trigger.map { (pulse.fired - $0 - gating.delay.nanoseconds).value }
      })
    let wake = Percentiles(wakeups.values.lazy.map(\.value))
    return Report(
      backend: lines.backend, onsetErrorUs: onset, triggerLatencyErrorUs: trigger, wakeupLatencyUs: wake,
      firePathUs: FirePath(traces.values, margin: lines.spinMargin),
      cyclictest: cyclictest
        ? CyclicTest.run(
          priority: board.timing.priority, interval: sequencer.kickInterval,
          loops: min(max(wakeups.count, 1_000), 30_000), cpu: board.timing.cpu) : nil,
      p99Ratio: wake.p99 > 0 ? (onset.p99 / wake.p99 * 1000).rounded() / 1000 : 0,
      spinCPUFraction: Double(lines.spinCPUTime(traces.values).value) / Double(wall.value),
      realtime: run.status.inForce, realtimeDetail: run.status.description, pulses: collector.pulses.count,
      rateHz: rate, skippedBeats: collector.skipped.count, durationS: (wall.seconds * 10).rounded() / 10,
      consoles: consoleLoad)
  }

  /// A protocol's most therapy pulses per pair (PROTOCOL-FORMAT).
  static let pulsesPerPair = 200
  /// Three probes on a 15 mm triangle, and its six ordered pairs.
  static let pairs = [(1, 2), (2, 1), (2, 3), (3, 2), (3, 1), (1, 3)]
  public static let maxPulses = pulsesPerPair * pairs.count

  /// The fewest pairs that share `pulses` evenly, at most `pulsesPerPair` each; nil when none
  /// do.
  static func pairCount(pulses: Int) -> Int? {
    (1...pairs.count).first { pulses % $0 == 0 && pulses / $0 <= pulsesPerPair }
  }

  /// The benchmark's protocol: therapy only, gated at `rate` with a window that the rate
  /// allows; one pair, or as many as the pulses need (a protocol gives a pair at most 200).
  static func protocolText(pulses: Int, rate: Double, window: Int = 10) -> String {
    let rr = 1000 / rate
    let delay = Int(min(50, rr / 5))
    let minRR = Int(rr * 0.6)
    let maxRR = Int(min(3000, rr * 2))
    let count = pairCount(pulses: pulses) ?? 1
    let perPair = pulses / count
    let pairLines = pairs.prefix(count).map { "  - [\($0.0), \($0.1)]" }.joined(separator: "\n")
    return """
      format: 1
      name: bench-timing
      probes:
        - { id: 1, x_mm: 0, y_mm: 0, exposure_mm: 15 }
        - { id: 2, x_mm: 15, y_mm: 0, exposure_mm: 15 }
        - { id: 3, x_mm: 7.5, y_mm: 13, exposure_mm: 15 }
      pulse: { width_us: 90, field_v_per_cm: 1500, train: { pulses: 1 } }
      sync: { mode: ecg, delay_ms: \(delay), window_ms: \(window), min_rr_ms: \(minRR), max_rr_ms: \(maxRR), pause_after_missed: 3 }
      test: { pulses: 0 }
      therapy: { pulses: \(perPair), set_size: \(perPair), polarity: fixed }
      limits: { max_current_a: 50, max_current_jump_a: 8, min_current_a: 2 }
      pairs:
      \(pairLines)
      """
  }
}
