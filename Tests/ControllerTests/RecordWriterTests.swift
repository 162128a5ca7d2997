import Controller
import Foundation
import GRDB
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

  /// Another connection (a query, a backup) takes the record's write lock and keeps it for
  /// `seconds`, on its own thread; returns once it holds the lock, with what signals its end.
  static func holdWriteLock(_ path: String, for seconds: Double) throws -> DispatchSemaphore {
    var configuration = Configuration()
    configuration.busyMode = .timeout(5)
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    let held = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      do {
        try queue.writeWithoutTransaction { db in
          try db.execute(sql: "BEGIN IMMEDIATE")
          held.signal()
          Thread.sleep(forTimeInterval: seconds)
          try db.execute(sql: "COMMIT")
        }
      } catch {
        held.signal()
      }
      done.signal()
    }
    held.wait()
    return done
  }

  @Test func anotherConnectionHoldingTheRecordBrieflyDoesNotEndTheTreatment() throws {
    let path = Paths.temporary("record-held.sqlite")
    defer { try? FileManager.default.removeItem(atPath: path) }
    final class Holder: @unchecked Sendable { var released: DispatchSemaphore? }
    let holder = Holder()
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: 9,
        recordPath: path, showProgress: false),
      prepare: { board in
        // Mid-treatment, 100 ms of someone else's write transaction: the next intent's commit
        // meets it.
        board.clock.schedule(at: Instant(sinceOrigin: .seconds(30))) {
          holder.released = try? Self.holdWriteLock(path, for: 0.1)
        }
      })
    let released = try #require(holder.released, "the other connection held the record mid-treatment")
    released.wait()
    #expect(result.summary.outcome == "completed", "\(result.summary.fault?.reason ?? "")")
    #expect(result.summary.pulses.count == 100)
    #expect(try TreatmentRecord(path: path).verify() == nil)
  }

  @Test func aSecondTreatmentOnTheSameRecordIsRefusedBeforeAnythingMoves() throws {
    let path = Paths.temporary("record-claimed.sqlite")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = try TreatmentRecord(path: path)
    try first.claimForTreatment()
    final class Box: @unchecked Sendable { var board: SimulatedBoard? }
    let box = Box()
    #expect {
      try SimulationSession.run(
        SimulationOptions(
          protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, recordPath: path,
          showProgress: false),
        prepare: { box.board = $0 })
    } throws: { error in
      guard case SessionError.environment(let text) = error else { return false }
      return text == RecordInUse(path: path, holder: getpid()).description
    }
    #expect(box.board?.fireEdges.isEmpty == true)
    #expect((try box.board?.gpio.read(.hvEnable)) == false, "never charged")
    #expect(try first.sessions().isEmpty, "nothing written to the record")
  }

  /// Two processes: while `irectl simulate` writes a record, a second one on the same file
  /// exits 3 naming it and the process that holds it, and `records list`, `verify`, `show` and
  /// `report` read it.
  @Test func whileATreatmentWritesTheRecordASecondIsRefusedAndReadersRead() throws {
    try HostStall.run(
      "claim",
      start: { attempt in
        let directory = Paths.temporary(HostStall.named("claim-cli", attempt))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
      },
      stalled: {
        HostStall.timingFault(summary: $0 + "/summary.json")
          || HostStall.timingFault(record: $0 + "/record.sqlite")
      },
      end: { try? FileManager.default.removeItem(atPath: $0) }
    ) { directory in
      // The kill test's protocol at 2 Hz: 100 s of pulses, longer than the six readers and
      // refusals below take even under the thread sanitizer; SIGTERM ends it.
      let protocolPath = directory + "/kill-test.yaml"
      try KillTests.fastProtocol.replacingOccurrences(of: "rate_hz: 10", with: "rate_hz: 2")
        .write(toFile: protocolPath, atomically: true, encoding: .utf8)
      let record = directory + "/record.sqlite"
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Paths.irectl)
      process.arguments = [
        "simulate", protocolPath, "--board", Paths.simBoard, "--speed", "realtime", "--record", record,
        "--telemetry-socket", directory + "/telemetry.sock", "--summary-json", directory + "/summary.json",
      ]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      defer {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
      }
      let deadline = Date().addingTimeInterval(90)
      while Date() < deadline {
        if FileManager.default.fileExists(atPath: record),
          let pulses = try? TreatmentRecord(path: record).sessions().first?.pulses, pulses > 0
        {
          break
        }
        Thread.sleep(forTimeInterval: 0.1)
      }

      let (refused, _, refusal) = try HardwareCommandTests.irectl([
        "simulate", protocolPath, "--board", Paths.simBoard, "--record", record,
      ])
      #expect(refused == 3, "\(refusal)")
      #expect(
        refusal.contains(
          "the record \(record) is in use by another treatment (process \(process.processIdentifier))"),
        "\(refusal)")
      let (listed, list, _) = try HardwareCommandTests.irectl(["records", "list", "--record", record])
      #expect(listed == 0)
      #expect(list.contains("kill-test  running"), "\(list)")
      #expect(list.split(separator: "\n").count == 1, "the refused treatment left no session")
      let (verified, _, _) = try HardwareCommandTests.irectl(["records", "verify", "--record", record])
      #expect(verified == 0)
      // The session being written, shown row by row and drawn as a report.
      let session = String(list.prefix { $0 != " " })
      let (shown, show, showError) = try HardwareCommandTests.irectl([
        "records", "show", session, "--record", record,
      ])
      #expect(shown == 0, "\(showError)")
      #expect(show.contains("pulse_intents"), "\(show)")
      let report = directory + "/report.html"
      let (reported, _, reportError) = try HardwareCommandTests.irectl([
        "report", session, "--record", record, "--out", report,
      ])
      #expect(reported == 0, "\(reportError)")
      #expect(
        ((try? Data(contentsOf: URL(fileURLWithPath: report)))?.count ?? 0) > 0, "the report was written")
      #expect(process.isRunning, "the treatment went on while it was read")

      if process.isRunning { kill(process.processIdentifier, SIGTERM) }
      process.waitUntilExit()
      #expect(process.terminationStatus == 1, "stopped safely by SIGTERM")
    }
  }
}
