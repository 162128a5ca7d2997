import Units

/// A fixed-capacity store of latency samples, written by the timing thread without allocating
/// or locking and read once that thread has finished. Samples past the capacity are counted,
/// not stored.
public final class LatencyRecorder: @unchecked Sendable {
  private let samples: UnsafeMutableBufferPointer<Int64>
  public private(set) var count = 0
  public private(set) var overflow = 0

  public init(capacity: Int) {
    samples = .allocate(capacity: capacity)
    samples.initialize(repeating: 0)
  }

  deinit { samples.deallocate() }

  public func record(_ latency: Nanoseconds) {
    guard count < samples.count else {
      overflow += 1
      return
    }
    samples[count] = latency.value
    count += 1
  }

  /// The samples recorded so far, in nanoseconds.
  public var values: ArraySlice<Int64> { Array(samples)[0..<count] }
}
