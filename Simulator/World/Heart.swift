import Protocol
import Units

/// The patient's heart and the external trigger monitor that watches it.
///
/// R-waves come at RR intervals drawn around the configured rate (Gaussian variability plus a
/// respiratory modulation), or replayed from a recorded series. The trigger monitor answers each
/// R-wave with a TTL pulse on `ecg_trigger`, a fixed latency after the peak. Beats are generated
/// lazily, as far as anyone has looked, so a ten-minute treatment costs only its beats.
public final class Heart {
  public enum Rhythm {
    case generated(rateBPM: Double, variability: Double)
    /// Recorded RR intervals, replayed from the first; running out is an error.
    case recorded([Milliseconds])
  }

  public struct SeriesExhausted: Error, CustomStringConvertible {
    public var intervals: Int
    public var description: String {
      "the recorded RR series ran out after its \(intervals) intervals before the treatment ended"
    }
  }

  private let rhythm: Rhythm
  private var anomalies: HeartAnomalies
  /// Injected: the next generated beat is premature.
  private var ectopicNext = false
  private let baseTWaveProbability: Double
  private let start: Instant
  private let triggerLatency: Nanoseconds
  private let triggerPulse: Nanoseconds
  private var random: SeededGenerator
  /// R-wave instants generated so far, in order.
  public private(set) var rWaves: [Instant] = []
  /// The trigger monitor's rising edges generated so far, in order (R-waves the monitor saw,
  /// plus T-wave double triggers).
  public private(set) var edges: [Instant] = []
  /// Every anomaly generated so far, in order: what the controller must have skipped.
  public private(set) var events: [HeartEvent] = []
  private var nextR: Instant
  private var beat = 0
  /// The interval after a premature beat is the compensatory pause.
  private var compensation: Nanoseconds?

  public init(
    rhythm: Rhythm, settings: HeartSettings, start: Instant, random: SeededGenerator,
    anomalies: HeartAnomalies = .none
  ) {
    self.rhythm = rhythm
    self.anomalies = anomalies
    self.baseTWaveProbability = anomalies.tWaveProbability
    self.start = start
    self.triggerLatency = settings.triggerLatency.nanoseconds
    self.triggerPulse = settings.triggerPulse.nanoseconds
    self.random = random
    // Room for a long treatment, so that generating beats does not allocate as it goes.
    rWaves.reserveCapacity(4096)
    edges.reserveCapacity(4096)
    // The first beat comes a fraction of an interval after the start, as on a real patient.
    self.nextR = start + .milliseconds(Int64(200 + self.random.unit() * 600))
  }

  /// Fault injection: from now on (beats not generated yet), the monitor double-triggers on
  /// every T-wave (`on`), or goes back to the configured chance.
  public func doubleTriggerEveryBeat(_ on: Bool) {
    anomalies.tWaveProbability = on ? 1 : baseTWaveProbability
  }

  /// Fault injection: no heartbeat during `window`.
  public func stop(during window: HeartAnomalies.Window) { anomalies.asystole.append(window) }

  /// Fault injection: the next beat not generated yet is premature.
  public func ectopicBeatNext() { ectopicNext = true }

  /// The instant of the trigger monitor's `index`-th rising edge (from 0), if it happens no
  /// later than `deadline`.
  public func triggerEdge(_ index: Int, notAfter deadline: Instant) throws -> Instant? {
    try generate(through: deadline)
    guard index < edges.count else { return nil }
    return edges[index] <= deadline ? edges[index] : nil
  }

  /// The level of `ecg_trigger` at `instant`: high for the pulse length after each edge.
  public func triggerLevel(at instant: Instant) throws -> Bool {
    try generate(through: instant)
    guard let last = edges.last(where: { $0 <= instant }) else { return false }
    return instant < last + triggerPulse
  }

  /// Generates beats until every edge up to `deadline` is known (an edge can come up to
  /// 350 ms after its R-wave, so beats are generated that far ahead).
  private func generate(through deadline: Instant) throws {
    while nextR <= deadline + triggerLatency + .milliseconds(400) {
      try generateBeat()
    }
  }

  private func generateBeat() throws {
    let r = nextR
    let interval = try self.interval(at: r)
    nextR = r + interval
    if let window = anomalies.asystole.first(where: { $0.contains(r) }) {
      events.append(HeartEvent(kind: .asystole, at: r + triggerLatency))
      nextR = max(nextR, window.end)
      return
    }
    rWaves.append(r)
    let edge = r + triggerLatency
    if anomalies.leadOff.contains(where: { $0.contains(edge) }) {
      events.append(HeartEvent(kind: .leadOff, at: edge))
      return
    }
    edges.append(edge)
    if anomalies.tWaveProbability > 0, random.unit() < anomalies.tWaveProbability {
      let tWave = edge + .milliseconds(Int64(250 + random.unit() * 100))
      edges.append(tWave)
      events.append(HeartEvent(kind: .tWave, at: tWave))
    }
  }

  /// The interval from the beat at `r` to the next, with ectopic beats and their pauses.
  private func interval(at r: Instant) throws -> Nanoseconds {
    defer { beat += 1 }
    let normal = try normalInterval(number: beat, at: r)
    if let pause = compensation {
      compensation = nil
      events.append(HeartEvent(kind: .compensatory, at: r + pause + triggerLatency))
      return pause
    }
    let forced = ectopicNext
    ectopicNext = false
    guard forced || (anomalies.ectopicProbability > 0 && random.unit() < anomalies.ectopicProbability) else {
      return normal
    }
    let premature = Nanoseconds(Int64(Double(normal.value) * (0.45 + 0.15 * random.unit())))
    compensation = normal * 2 - premature
    events.append(HeartEvent(kind: .ectopic, at: r + premature + triggerLatency))
    return premature
  }

  private func normalInterval(number: Int, at instant: Instant) throws -> Nanoseconds {
    switch rhythm {
    case .recorded(let series):
      guard number < series.count else { throw SeriesExhausted(intervals: series.count) }
      return series[number].nanoseconds
    case .generated(let baseRate, let variability):
      let minutes = (instant - start).seconds / 60
      let rate = min(max(baseRate + anomalies.driftBPMPerMinute * minutes, 20), 250)
      let mean = 60_000.0 / rate
      // Respiratory sinus arrhythmia: a breath every 4 s modulates the interval by 2 %.
      let breathing = 0.02 * sin(2 * Double.pi * Double(number) * mean / 4_000)
      let drawn = mean * (1 + variability * random.gaussian() + breathing)
      return .milliseconds(Int64(min(max(drawn, 0.4 * mean), 1.8 * mean)))
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
