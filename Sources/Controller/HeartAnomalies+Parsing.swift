import Simulator
import Units

extension HeartAnomalies {
  /// The syntax of `irectl simulate --heart-anomalies`, for messages and help.
  public static let syntax =
    "ectopic=P, t-wave=P (chance per beat, 0...1), drift=BPM (per minute), asystole=T+S, lead-off=T+S (from T s for S s), comma-separated"

  public struct ParseError: Error, CustomStringConvertible {
    public var item: String
    public var problem: String
    public var description: String {
      "--heart-anomalies: \(problem) in \"\(item)\" (allowed: \(HeartAnomalies.syntax))"
    }
  }

  /// Reads e.g. `ectopic=0.05,t-wave=0.1,drift=3,asystole=120+6,lead-off=200+5`.
  public init(parsing text: String) throws {
    self.init()
    for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw ParseError(item: item, problem: "expected KIND=VALUE") }
      let (kind, value) = (parts[0], parts[1])
      switch kind {
      case "ectopic": ectopicProbability = try Self.probability(value, item: item)
      case "t-wave": tWaveProbability = try Self.probability(value, item: item)
      case "drift":
        guard let drift = Double(value), drift.isFinite, (-30...30).contains(drift) else {
          throw ParseError(item: item, problem: "drift must be -30...30 beats per minute per minute")
        }
        driftBPMPerMinute = drift
      case "asystole": asystole.append(try Self.window(value, item: item))
      case "lead-off": leadOff.append(try Self.window(value, item: item))
      default: throw ParseError(item: item, problem: "unknown anomaly \"\(kind)\"")
      }
    }
  }

  private static func probability(_ value: String, item: String) throws -> Double {
    guard let p = Double(value), p.isFinite, (0...1).contains(p) else {
      throw ParseError(item: item, problem: "a chance must be a number in 0...1")
    }
    return p
  }

  /// The latest START of a window: a day of treatment time, far beyond any protocol, and well
  /// inside the nanosecond clock (a larger number would overflow it, not just never happen).
  static let latestWindowStart = 86_400.0

  private static func window(_ value: String, item: String) throws -> Window {
    let parts = value.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2, let start = Double(parts[0]), let length = Double(parts[1]), start.isFinite,
      length.isFinite
    else {
      throw ParseError(item: item, problem: "a window is START+SECONDS, both in seconds")
    }
    guard (0...latestWindowStart).contains(start) else {
      throw ParseError(
        item: item,
        problem: "START must be 0...\(Int(latestWindowStart)) seconds from the start of the treatment;"
          + " found \(parts[0])")
    }
    guard length > 0, length <= 600 else {
      throw ParseError(item: item, problem: "a window lasts more than 0 and up to 600 seconds")
    }
    return Window(start: Instant(sinceOrigin: .seconds(start)), duration: .seconds(length))
  }
}
