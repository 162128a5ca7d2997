import Controller
import Foundation
import Record
import Simulator
import Testing
import Units

/// A fire edge whose read-back failed still went through the patient: it is listed, unmeasured,
/// and the record's bounds contain it.
@Suite("Pulses that fired but could not be measured")
struct UnmeasuredPulseTests {
  @Test(arguments: [UInt8(0x30), 0x49])
  func aReadBackThatFailsAfterTheEdgeStillListsThePulse(address: UInt8) throws {
    let baseline = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 2,
        showProgress: false))
    // Right after the 37th edge, before its measurement is read.
    let edge = baseline.board.fireEdges[37]
    let summaryPath = Paths.temporary("unmeasured-\(address).json")
    let recordPath = Paths.temporary("unmeasured-\(address).sqlite")
    defer {
      try? FileManager.default.removeItem(atPath: summaryPath)
      try? FileManager.default.removeItem(atPath: recordPath)
    }
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 2,
        faults: [FaultSpec(kind: .i2cNak, when: .time(edge + .microseconds(10)), address: address)],
        summaryPath: summaryPath, recordPath: recordPath, showProgress: false))
    #expect(result.summary.outcome == "faulted")
    #expect(result.simulatorPulseCount == 38)
    #expect(result.summary.pulses.count == result.simulatorPulseCount, "every edge driven is listed")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
        as? [String: Any])
    let pulses = try #require(json["pulses"] as? [[String: Any]])
    let last = try #require(pulses.last)
    if address == 0x30 {
      #expect(last["measured"] as? Bool == false)
      #expect(last["current_a"] is NSNull)
    }
    let record = try TreatmentRecord(path: recordPath)
    let session = try #require(try record.sessions().first)
    let low = try #require(session.deliveredMin)
    let high = try #require(session.deliveredMax)
    #expect(low <= result.simulatorPulseCount && result.simulatorPulseCount <= high, "\(low)...\(high)")
  }
}
