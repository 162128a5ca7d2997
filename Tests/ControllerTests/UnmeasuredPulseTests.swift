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

  /// The report of a session with an unmeasured pulse: the pulse is counted, not plotted, and
  /// said so (the soak found `irectl report` trapping on the pulse's missing current).
  @Test func theReportOfASessionWithAnUnmeasuredPulseSaysSo() throws {
    let record = Paths.temporary("unmeasured-report.sqlite")
    let page = Paths.temporary("unmeasured-report.html")
    defer {
      Paths.removeRecord(record)
      try? FileManager.default.removeItem(atPath: page)
    }
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.fixture("short-fixed-rate"), boardPath: Paths.simBoard, seed: 1,
        faults: [try FaultSpec(parsing: "i2c-nak:0x30@pulse=2")], recordPath: record, showProgress: false))
    #expect(result.summary.pulses.contains { !$0.measured })
    let session = try #require(result.recordSession)
    let (status, errors) = try RecordTamperTests.irectl([
      "report", session, "--record", record, "--out", page,
    ])
    #expect(status == 0, "\(errors)")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.contains("delivered on this pair but not measured"))
  }
}
