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
