import Controller
import Foundation
import Record
import Sequencer
import Simulator
import Testing
import Units

/// The record a simulated treatment leaves: written ahead, chained, marked as simulated.
@Suite("Treatment record of a simulated session")
struct RecordWriterTests {
  static func run(_ name: String = "pancreas-2probe", record path: String, faults: [String] = []) throws
    -> SimulationResult
  {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile(name), boardPath: Paths.simBoard, seed: 9,
        faults: try faults.map(FaultSpec.init(parsing:)), recordPath: path, showProgress: false))
  }

  @Test func everyPulseHasItsIntentFirstAndTheChainIsIntact() throws {
    let path = Paths.temporary("record-basic.sqlite")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try Self.run(record: path)
    let record = try TreatmentRecord(path: path)
    #expect(try record.verify() == nil)
    let sessions = try record.sessions()
    #expect(sessions.count == 1)
    let session = try #require(sessions.first)
    #expect(session.simulated && session.backend == "simulator")
    #expect(session.outcome == "completed")
    #expect(session.pulses == result.summary.pulses.count)
    var intended: Set<Int64> = []
    var pulses = 0
    var counts: [Int64] = []
    for (table, values) in try record.rows(of: session.session) {
      guard case .integer(let index)? = values["pulse_index"] else { continue }
      if table == "pulse_intents" { intended.insert(index) }
      if table == "pulses" {
        pulses += 1
        #expect(intended.contains(index), "pulse \(index) recorded before its intent")
        if case .integer(let count)? = values["supervisor_count"] { counts.append(count) }
        guard case .real(let onset)? = values["onset_error_us"] else {
          Issue.record("pulse \(index) without its onset error")
          continue
        }
        #expect(onset >= 0 && onset < 10_000)
      }
    }
    #expect(pulses == 100)
    #expect(counts.count == 100)
    #expect(
      zip(counts, counts.dropFirst()).allSatisfy { $1 == $0 + 1 }, "the supervisor counted each pulse once")
  }

  @Test func faultsAndStatesAreInTheRecordWithTheirCauses() throws {
    let path = Paths.temporary("record-fault.sqlite")
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = try Self.run(record: path, faults: ["lid-open@pulse=20"])
    let record = try TreatmentRecord(path: path)
    let session = try #require(try record.sessions().first)
    #expect(session.outcome == "faulted")
    let rows = try record.rows(of: session.session)
    #expect(rows.contains { $0.table == "interlock_events" && $0.values["interlock"] == .text("lid") })
    #expect(rows.contains { $0.table == "state_changes" && $0.values["cause"] == .text("lid") })
    #expect(rows.contains { $0.table == "temperatures" })
  }

  @Test func anUnwritableRecordIsAnEnvironmentError() {
    #expect {
      try Self.run(record: "/proc/irectl-cannot-be-here/records.sqlite")
    } throws: { error in
      guard case SessionError.environment(let text) = error else { return false }
      return text.contains("cannot open the record")
    }
  }

  @Test func aRecordThatFailsStopsTheTreatmentBeforeTheNextPulse() throws {
    let path = Paths.temporary("record-fails.sqlite")
    defer { try? FileManager.default.removeItem(atPath: path) }
    final class Box: @unchecked Sendable { var sequencer: TreatmentSequencer? }
    let box = Box()
    let failed = Instant(sinceOrigin: .seconds(30))
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 9,
        recordPath: path,
        showProgress: false),
      prepare: { board in board.clock.schedule(at: failed) { box.sequencer?.intentGate?.fail() } },
      attach: { box.sequencer = $0 })
    #expect(result.summary.outcome == "faulted")
    #expect(result.summary.fault?.interlock == "record")
    // The pulse whose intent was on disk before the failure may still go; none after it.
    #expect(result.board.fireEdges.filter { $0 >= failed }.count <= 1, "no pulse without its intent on disk")
  }
}
