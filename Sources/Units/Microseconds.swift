/// A whole number of microseconds, as pulse widths and train periods are configured.
public struct Microseconds: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var value: Int
  public init(_ value: Int) { self.value = value }
  public var nanoseconds: Nanoseconds { .microseconds(Int64(value)) }
  public static func < (a: Microseconds, b: Microseconds) -> Bool { a.value < b.value }
  public var description: String { "\(value) µs" }
}

/// A whole number of milliseconds, as ECG delays, windows and RR limits are configured.
public struct Milliseconds: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var value: Int
  public init(_ value: Int) { self.value = value }
  public var nanoseconds: Nanoseconds { .milliseconds(Int64(value)) }
  public static func < (a: Milliseconds, b: Milliseconds) -> Bool { a.value < b.value }
  public var description: String { "\(value) ms" }
}
