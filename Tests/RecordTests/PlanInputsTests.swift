import Foundation
import GRDB
import Testing

@testable import Record

/// The plan's inputs kept with a session: read back as written, covered by the chain (changed or
/// taken out, the session's first link breaks), and absent from sessions recorded without them
/// or before they were kept, which still verify.
@Suite("Plan inputs in the record")
struct PlanInputsTests {
  static let inputs = PlanInputs(
    tissue: "liver", tissueLibrarySHA256: String(repeating: "ef", count: 32), plannerVersion: "1",
    resolutionMm: 1)

  static func session(_ id: String, inputs: PlanInputs?) -> SessionInfo {
    var info = RecordFixtures.session(id)
    info.planInputs = inputs
    return info
  }

  @Test func theInputsAreReadBackWithTheSession() throws {
    let path = RecordFixtures.temporary("plan-inputs.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    try record.begin(Self.session("with", inputs: Self.inputs)).finish()
    try record.begin(Self.session("without", inputs: nil)).finish()
    #expect(try record.verify() == nil)
    #expect(try record.reportData(for: "with").session.planInputs == Self.inputs)
    #expect(try record.reportData(for: "with").session.protocolFile == "record-test.yaml")
    #expect(try record.reportData(for: "without").session.planInputs == nil)
  }

  @Test func changingOrRemovingAnInputBreaksTheSessionsFirstLink() throws {
    for sql in [
      "UPDATE sessions SET planner_version = '2'", "UPDATE sessions SET plan_resolution_mm = 0.5",
      "UPDATE sessions SET tissue_library_sha256 = NULL", "UPDATE sessions SET tissue = 'pancreas'",
    ] {
      let path = RecordFixtures.temporary("plan-inputs-changed.sqlite")
      defer { RecordFixtures.remove(path) }
      let record = try TreatmentRecord(path: path)
      try record.begin(Self.session("s", inputs: Self.inputs)).finish()
      try record.queue.write { try $0.execute(sql: sql) }
      let broken = try #require(try record.verify(), "\(sql)")
      #expect(broken.table == "sessions" && broken.seq == 1, "\(sql)")
      #expect(broken.problem == "was changed after it was written", "\(sql)")
    }
  }

  @Test func inputsWrittenIntoASessionRecordedWithoutThemAreFound() throws {
    let path = RecordFixtures.temporary("plan-inputs-added.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    try record.begin(Self.session("s", inputs: nil)).finish()
    try record.queue.write { try $0.execute(sql: "UPDATE sessions SET planner_version = '1'") }
    #expect(try record.verify()?.table == "sessions")
  }

  @Test func aRecordWrittenBeforeTheInputsWereKeptStillVerifies() throws {
    let path = try HashChainTests.recordWrittenBeforeChainFormats("plan-inputs-old.sqlite")
    defer { RecordFixtures.remove(path) }
    let record = try TreatmentRecord(path: path)
    let sessions = try record.sessions()
    #expect(!sessions.isEmpty)
    #expect(try record.verify() == nil)
    for session in sessions { #expect(try record.reportData(for: session.session).session.planInputs == nil) }
  }
}
