import Foundation
import Testing

@testable import Sequencer

@Suite("SPSC ring")
struct SPSCRingTests {
  @Test func fifoAndFullAndEmpty() {
    let ring = SPSCRing<Int>(capacity: 3)
    #expect(ring.pop() == nil)
    #expect(ring.push(1))
    #expect(ring.push(2))
    #expect(ring.push(3))
    #expect(ring.push(4), "capacity rounds up to 4")
    #expect(!ring.push(5), "full: refused, not overwritten")
    #expect(ring.pop() == 1)
    #expect(ring.push(5))
    #expect([ring.pop(), ring.pop(), ring.pop(), ring.pop(), ring.pop()] == [2, 3, 4, 5, nil])
  }

  /// A producer that pushes one more each time the consumer takes one (consoles flooding the
  /// timing loop with pauses) cannot hold the consumer: one turn takes at most a ring's worth.
  @Test func aProducerKeepingPaceCannotHoldTheConsumer() {
    let ring = SPSCRing<Int>(capacity: 4)
    for value in 0..<4 { ring.push(value) }
    var taken: [Int] = []
    ring.popWaiting { value in
      taken.append(value)
      if taken.count < 100 { ring.push(value + 4) }
    }
    #expect(taken == [0, 1, 2, 3])
    #expect(ring.count == 4, "what came meanwhile waits for the next turn")
    var next: [Int] = []
    ring.popWaiting { next.append($0) }
    #expect(next == [4, 5, 6, 7])
    ring.popWaiting { _ in Issue.record("an empty ring hands nothing over") }
  }

  @Test func elementsWithReferencesAreMovedNotLeaked() {
    final class Token {}
    weak var weakToken: Token?
    do {
      let ring = SPSCRing<Token>(capacity: 4)
      let token = Token()
      weakToken = token
      ring.push(token)
    }
    #expect(weakToken == nil, "the ring released what it still held when it went away")
  }

  @Test func oneProducerOneConsumerAcrossThreadsLoseNothing() async {
    let ring = SPSCRing<Int>(capacity: 64)
    let total = 200_000
    let producer = Thread {
      var next = 0
      while next < total {
        if ring.push(next) { next += 1 }
      }
    }
    producer.start()
    var expected = 0
    var outOfOrder = 0
    while expected < total {
      if let value = ring.pop() {
        if value != expected { outOfOrder += 1 }
        expected += 1
      }
    }
    #expect(outOfOrder == 0)
    #expect(ring.pop() == nil)
  }
}
