import Units

extension FaultSpec {
  public struct ParseError: Error, CustomStringConvertible, Equatable {
    public var spec: String
    public var problem: String
    public var description: String { "--fault \"\(spec)\": \(problem)" }
  }

  public static let syntax =
    "KIND[:ARG]@WHEN, WHEN one of \(When.syntax); KIND one of "
    + Kind.allCases.map(\.rawValue).joined(separator: ", ")

  /// Reads `KIND[:ARG]@WHEN`, e.g. `estop@pulse=40`, `asystole:6@t=120`, `i2c-nak:0x48@t=30`.
  public init(parsing text: String) throws {
    func fail(_ problem: String) -> ParseError { ParseError(spec: text, problem: problem) }
    let halves = text.split(separator: "@", maxSplits: 1).map(String.init)
    guard halves.count == 2 else { throw fail("expected KIND[:ARG]@WHEN (\(FaultSpec.syntax))") }
    let head = halves[0].split(separator: ":", maxSplits: 1).map(String.init)
    guard let kind = Kind(rawValue: head.first ?? "") else {
      throw fail(
        "unknown kind \"\(head.first ?? "")\" (allowed: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))"
      )
    }
    let argument = head.count == 2 ? head[1] : nil
    let when: When
    do { when = try When(parsing: halves[1]) } catch { throw fail(error.problem) }
    var duration: Nanoseconds?
    var address: UInt8?
    switch kind.argument {
    case .address:
      guard let argument, let value = FaultSpec.address(argument) else {
        throw fail("\(kind.rawValue) needs a 7-bit I2C address, e.g. \(kind.rawValue):0x48")
      }
      address = value
    case .requiredSeconds, .optionalSeconds:
      if let argument {
        // At least a nanosecond: a shorter one rounds to no duration at all, which the fault's
        // description would print as `0` and not read back (found by fuzzing).
        guard let seconds = Double(argument), seconds.isFinite, seconds >= 1e-9, seconds <= 3600 else {
          throw fail("the duration must be seconds in [0.000000001, 3600]; found \"\(argument)\"")
        }
        duration = .seconds(seconds)
      } else if kind.argument == .requiredSeconds {
        throw fail("\(kind.rawValue) needs its duration in seconds, e.g. \(kind.rawValue):6")
      }
    case .requiredMilliseconds:
      guard let argument, let ms = Double(argument), ms.isFinite, ms >= 1e-6, ms <= 60_000 else {
        throw fail(
          "\(kind.rawValue) needs its duration in milliseconds, in [0.000001, 60000], e.g. \(kind.rawValue):80"
        )
      }
      duration = .seconds(ms / 1000)
    }
    self.init(kind: kind, when: when, duration: duration, address: address)
  }

  private static func address(_ text: String) -> UInt8? {
    let value = text.hasPrefix("0x") ? UInt8(text.dropFirst(2), radix: 16) : UInt8(text)
    guard let value, (0x03...0x77).contains(value) else { return nil }
    return value
  }
}

extension FaultSpec.When {
  /// Why a WHEN did not parse.
  public struct ParseError: Error, Equatable {
    public var problem: String
  }

  public static let syntax = "pulse=N, t=SECONDS, step=K or step=K+SECONDS"

  /// Reads `pulse=N` (before the N-th delivered pulse, from 0), `t=SECONDS` (on the treatment's
  /// clock, to the nanosecond) or `step=K` (right before the controller's K-th call into the
  /// simulated board, from 1).
  public init(parsing text: String) throws(ParseError) {
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { throw ParseError(problem: "WHEN must be \(Self.syntax)") }
    switch parts[0] {
    case "pulse":
      guard let n = Int(parts[1]), n >= 0 else {
        throw ParseError(problem: "pulse=N needs a whole number N >= 0")
      }
      self = .pulse(n)
    case "t":
      // Bounded to a day of treatment time: far beyond any protocol, and well inside the
      // nanosecond clock (a larger number would overflow it).
      guard let seconds = Double(parts[1]), seconds.isFinite, (0...86_400).contains(seconds) else {
        throw ParseError(problem: "t=SECONDS needs seconds in 0...86400; found \"\(parts[1])\"")
      }
      self = .time(Instant(sinceOrigin: .seconds(seconds)))
    case "step":
      // Empty pieces kept: `step=+` or `step=+5` has no K (dropping them left no piece at all
      // to read, an index out of range, or read `+5` as `5`).
      let pieces = parts[1].split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
        .map(String.init)
      guard let first = pieces.first, let k = Int(first), k >= 1 else {
        throw ParseError(problem: "step=K needs a whole number K >= 1; found \"\(parts[1])\"")
      }
      guard pieces.count == 2 else {
        self = .step(k)
        return
      }
      guard let seconds = Double(pieces[1]), seconds.isFinite, (0...86_400).contains(seconds) else {
        throw ParseError(problem: "step=K+SECONDS needs seconds in 0...86400; found \"\(pieces[1])\"")
      }
      self = .afterStep(k, .seconds(seconds))
    default:
      throw ParseError(problem: "WHEN must be \(Self.syntax)")
    }
  }

  /// The text `init(parsing:)` reads back to this moment.
  public var text: String {
    switch self {
    case .pulse(let n): "pulse=\(n)"
    case .time(let t): "t=\(FaultSpec.seconds(t.sinceOrigin))"
    case .step(let k): "step=\(k)"
    case .afterStep(let k, let span): "step=\(k)+\(FaultSpec.seconds(span))"
    }
  }
}

extension FaultSpec {
  /// Seconds to the nanosecond, as the parser reads them back exactly.
  public static func seconds(_ span: Nanoseconds) -> String {
    let whole = span.value / 1_000_000_000
    let fraction = span.value % 1_000_000_000
    guard fraction != 0 else { return String(whole) }
    var digits = String(fraction)
    digits = String(repeating: "0", count: 9 - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    return "\(whole).\(digits)"
  }
}
