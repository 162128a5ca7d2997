/// A span of time, in integer nanoseconds.
///
/// Time is integral on purpose: the timing core compares deadlines, and two runs with the same
/// seed must produce bit-identical schedules, which floating-point accumulation would not.
public struct Nanoseconds: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var value: Int64
  public init(_ value: Int64) { self.value = value }

  public static func microseconds(_ us: Int64) -> Nanoseconds { Nanoseconds(us * 1_000) }
  public static func milliseconds(_ ms: Int64) -> Nanoseconds { Nanoseconds(ms * 1_000_000) }
  public static func seconds(_ s: Double) -> Nanoseconds { Nanoseconds(Int64((s * 1e9).rounded())) }
  public static let zero = Nanoseconds(0)

  /// This span in milliseconds, for reports and summaries.
  public var milliseconds: Double { Double(value) / 1e6 }
  /// This span in microseconds, for reports and summaries.
  public var microseconds: Double { Double(value) / 1e3 }
  public var seconds: Double { Double(value) / 1e9 }

  public static func < (a: Nanoseconds, b: Nanoseconds) -> Bool { a.value < b.value }
  public static func + (a: Nanoseconds, b: Nanoseconds) -> Nanoseconds { Nanoseconds(a.value + b.value) }
  public static func - (a: Nanoseconds, b: Nanoseconds) -> Nanoseconds { Nanoseconds(a.value - b.value) }
  public static func * (a: Nanoseconds, n: Int64) -> Nanoseconds { Nanoseconds(a.value * n) }
  public var description: String { "\(formatted(milliseconds)) ms" }
}

/// A point on the monotonic clock (CLOCK_MONOTONIC on Linux, the virtual clock in the simulator).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Time since the clock's origin (boot, or the start of a simulation).
  public var sinceOrigin: Nanoseconds
  public init(sinceOrigin: Nanoseconds) { self.sinceOrigin = sinceOrigin }
  public init(nanoseconds: Int64) { self.sinceOrigin = Nanoseconds(nanoseconds) }

  public static func < (a: Instant, b: Instant) -> Bool { a.sinceOrigin < b.sinceOrigin }
  public static func + (a: Instant, d: Nanoseconds) -> Instant { Instant(sinceOrigin: a.sinceOrigin + d) }
  public static func - (a: Instant, d: Nanoseconds) -> Instant { Instant(sinceOrigin: a.sinceOrigin - d) }
  public static func - (a: Instant, b: Instant) -> Nanoseconds { a.sinceOrigin - b.sinceOrigin }
  public var description: String { "t=\(sinceOrigin)" }
}
