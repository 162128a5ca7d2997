import Atomics

/// A fixed-capacity single-producer, single-consumer ring: the timing thread pushes, one other
/// thread pops. Neither side ever blocks, locks or allocates (the storage is allocated once, at
/// creation); a full ring refuses the push and the producer decides what that means.
///
/// The producer publishes an element by storing the tail with release ordering after writing
/// the slot; the consumer reads the tail with acquire ordering before reading the slot, and
/// hands the slot back the same way through the head.
public final class SPSCRing<Element>: @unchecked Sendable {
  private let storage: UnsafeMutablePointer<Element>
  /// How many elements the ring holds at most.
  public let capacity: Int
  private let mask: Int
  /// Next slot to read; written by the consumer only.
  private let head = ManagedAtomic<Int>(0)
  /// Next slot to write; written by the producer only.
  private let tail = ManagedAtomic<Int>(0)

  /// `capacity` is rounded up to a power of two.
  public init(capacity: Int) {
    var size = 1
    while size < max(2, capacity) { size <<= 1 }
    self.capacity = size
    self.mask = size - 1
    storage = .allocate(capacity: size)
  }

  deinit {
    while pop() != nil {}
    storage.deallocate()
  }

  /// Producer side. `false` when the ring is full.
  @discardableResult
  public func push(_ element: Element) -> Bool {
    let t = tail.load(ordering: .relaxed)
    guard t - head.load(ordering: .acquiring) < capacity else { return false }
    (storage + (t & mask)).initialize(to: element)
    tail.store(t + 1, ordering: .releasing)
    return true
  }

  /// Consumer side. `nil` when the ring is empty.
  public func pop() -> Element? {
    let h = head.load(ordering: .relaxed)
    guard h != tail.load(ordering: .acquiring) else { return nil }
    let element = (storage + (h & mask)).move()
    head.store(h + 1, ordering: .releasing)
    return element
  }

  /// Consumer side: pops what waits, at most `capacity` elements, handing each to `body`. A
  /// producer that pushes as fast as `body` takes cannot hold the consumer here: the timing
  /// loop takes its commands this way, and what is left waits for its next turn.
  public func popWaiting(_ body: (Element) throws -> Void) rethrows {
    for _ in 0..<capacity {
      guard let element = pop() else { return }
      try body(element)
    }
  }

  /// Whether nothing waits: the consumer's look, without taking anything, before a decision
  /// that a waiting element would change (the timing loop's last look for a stop command).
  public var isEmpty: Bool { head.load(ordering: .relaxed) == tail.load(ordering: .acquiring) }

  /// Elements waiting (a snapshot; exact only on the consumer's side).
  public var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }
}
