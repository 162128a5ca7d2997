import Foundation
import Testing

@testable import Record

/// A session a crash left open is closed as interrupted, with bounds on what was delivered that
/// contain what the board delivered.
@Suite("Recovery of an interrupted session")
struct RecoveryTests {
  @Test func theBoundsCountUnmeasuredPulsesOnlyAsMaybeDelivered() throws {
    let path = RecordFixtures.temporary("unmeasured.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    do {
      let writer = try record.begin(RecordFixtures.session("crashed"))
      for index in 0..<3 {
        writer.append("pulse_intents", [index, 0, "therapy", "normal", 1, Double(index) * 1000])
      }
      // Pulse 0 measured; pulse 1 fired but its read-back failed; pulse 2's intent is durable
      // and nothing more is known of it.
      writer.append(
        "pulses", [0, 0, "therapy", "normal", nil as Double?, 50.0, 50.003, 3.0, 25.1, 2240.0, 1])
      writer.append(
        "pulses",
        [
          1, 0, "therapy", "normal", nil as Double?, 1050.0, 1050.002, 2.0, nil as Double?, nil as Double?,
          nil as Int?,
        ])
      try writer.commit()
      // The process dies here: no end row, and its lock goes with it.
    }
    let recovery = try record.recoverInterrupted()
    let closed = try #require(recovery.closed.first)
    #expect(closed.delivered == 1...3, "one known, one unmeasured, one intent outstanding")
    #expect(try record.verify() == nil)
  }
}
