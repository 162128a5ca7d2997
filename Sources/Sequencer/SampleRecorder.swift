import Units

/// A fixed-capacity store of samples (wake-up latencies, fire traces), written by the timing
/// thread without allocating or locking and read once that thread has finished. Samples past
/// the capacity are counted, not stored.
public final class SampleRecorder<Sample>: @unchecked Sendable {
  private let samples: UnsafeMutableBufferPointer<Sample>
  public private(set) var count = 0
  public private(set) var overflow = 0

  /// Every slot is written with `blank` here, so that the timing thread's writes never fault a
  /// page in.
  public init(capacity: Int, blank: Sample) {
    samples = .allocate(capacity: capacity)
    samples.initialize(repeating: blank)
  }

  deinit {
    samples.deinitialize()
    samples.deallocate()
  }

  public func record(_ sample: Sample) {
    guard count < samples.count else {
      overflow += 1
      return
    }
    samples[count] = sample
    count += 1
  }

  /// The samples recorded so far.
  public var values: [Sample] { Array(samples[0..<count]) }
}

/// How late the timing thread woke from each of its sleeps.
public typealias LatencyRecorder = SampleRecorder<Nanoseconds>

extension SampleRecorder where Sample == Nanoseconds {
  public convenience init(capacity: Int) { self.init(capacity: capacity, blank: .zero) }
}

/// The clock readings of each pulse's way to its edge.
public typealias FireTraceRecorder = SampleRecorder<FireTrace>

extension SampleRecorder where Sample == FireTrace {
  public convenience init(capacity: Int) {
    self.init(
      capacity: capacity,
      blank: FireTrace(scheduled: .init(nanoseconds: 0), lead: .zero, wake: .init(at: .init(nanoseconds: 0))))
  }
}
