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
  private let triggerLatency: Nanoseconds
  private let triggerPulse: Nanoseconds
  private var random: SeededGenerator
  /// R-wave instants generated so far, in order.
  public private(set) var rWaves: [Instant] = []
  private var nextR: Instant

  public init(rhythm: Rhythm, settings: HeartSettings, start: Instant, random: SeededGenerator) {
    self.rhythm = rhythm
    self.triggerLatency = settings.triggerLatency.nanoseconds
    self.triggerPulse = settings.triggerPulse.nanoseconds
    self.random = random
    // The first beat comes a fraction of an interval after the start, as on a real patient.
    self.nextR = start + .milliseconds(Int64(200 + self.random.unit() * 600))
  }

  /// The instant of the trigger monitor's `index`-th rising edge (from 0), if it happens no
  /// later than `deadline`.
  public func triggerEdge(_ index: Int, notAfter deadline: Instant) throws -> Instant? {
    try generate(through: deadline)
    guard index < rWaves.count else { return nil }
    let edge = rWaves[index] + triggerLatency
    return edge <= deadline ? edge : nil
  }

  /// The level of `ecg_trigger` at `instant`: high for the pulse length after each edge.
  public func triggerLevel(at instant: Instant) throws -> Bool {
    try generate(through: instant)
    guard let last = rWaves.last(where: { $0 + triggerLatency <= instant }) else { return false }
    return instant < last + triggerLatency + triggerPulse
  }

  private func generate(through deadline: Instant) throws {
    while nextR + triggerLatency <= deadline {
      rWaves.append(nextR)
      nextR = nextR + (try interval(number: rWaves.count - 1))
    }
  }

  private func interval(number: Int) throws -> Nanoseconds {
    switch rhythm {
    case .recorded(let series):
      guard number < series.count else { throw SeriesExhausted(intervals: series.count) }
      return series[number].nanoseconds
    case .generated(let rate, let variability):
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
