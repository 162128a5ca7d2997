/// A fixed-capacity store of fire traces, written by the timing thread without allocating or
/// locking and read once that thread has finished. Traces past the capacity are counted, not
/// stored.
public final class FireTraceRecorder: @unchecked Sendable {
  private let traces: UnsafeMutableBufferPointer<FireTrace>
  public private(set) var count = 0
  public private(set) var overflow = 0

  public init(capacity: Int) {
    traces = .allocate(capacity: capacity)
    // Written once here, so that the timing thread's writes never fault a page in.
    traces.initialize(
      repeating: FireTrace(
        scheduled: .init(nanoseconds: 0), lead: .zero, wake: .init(at: .init(nanoseconds: 0))))
  }

  deinit { traces.deallocate() }

  public func record(_ trace: FireTrace) {
    guard count < traces.count else {
      overflow += 1
      return
    }
    traces[count] = trace
    count += 1
  }

  /// The traces recorded so far.
  public var values: [FireTrace] { Array(traces[0..<count]) }
}
