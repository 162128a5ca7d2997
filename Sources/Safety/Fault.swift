import Units

/// A stop with its cause: the interlock, and the measured value and limit where there is one.
/// Plain numbers rather than text, so that building one in the timing loop allocates nothing.
public struct Fault: Equatable, Sendable, Hashable {
  public var interlock: Interlock
  public var measured: Double?
  public var limit: Double?
  public init(_ interlock: Interlock, measured: Double? = nil, limit: Double? = nil) {
    self.interlock = interlock
    self.measured = measured
    self.limit = limit
  }

  /// The fixed reason, followed by the numbers when there are any.
  public var reason: String {
    switch (measured, limit) {
    case (let m?, let l?): "\(interlock.reason) (measured \(formatted(m)), limit \(formatted(l)))"
    case (let m?, nil): "\(interlock.reason) (measured \(formatted(m)))"
    case (nil, let l?): "\(interlock.reason) (limit \(formatted(l)))"
    case (nil, nil): interlock.reason
    }
  }
}
