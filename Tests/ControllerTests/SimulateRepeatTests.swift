import Controller
import Foundation
import Record
import Sequencer
import Simulator
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `irectl simulate --repeat N`: N treatments in one process into one record, each a session of
/// its own; a stop signal reaches the treatment running now, however many came before it.
@Suite("Treatments one after another in one process", .serialized)
struct SimulateRepeatTests {
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.irectl)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text, errorText)
  }

  @Test func eachTreatmentIsASessionOfItsOwnWithItsOwnSeed() throws {
    let record = Paths.temporary("repeat.sqlite")
    defer { Paths.removeRecord(record) }
    let (status, output, errors) = try Self.run([
      "simulate", Paths.fixture("short-fixed-rate"), "--board", Paths.simBoard, "--seed", "40", "--repeat",
      "6", "--record", record,
    ])
    #expect(status == 0, "\(errors)")
    let lines = output.split(separator: "\n").filter { $0.hasPrefix("treatment ") }
    #expect(lines.count == 6)
    #expect(
      lines.first?.hasPrefix("treatment 1/6 seed 40 outcome completed pulses 5 board 5 rss_kb ") == true)
    #expect(lines.last?.hasPrefix("treatment 6/6 seed 45 ") == true)
    #expect(output.contains("6 treatments: 6 completed"))
    let sessions = try TreatmentRecord(path: record).sessions()
    #expect(sessions.count == 6)
    #expect(sessions.allSatisfy { $0.outcome == "completed" && $0.pulses == 5 })
  }

  @Test func aSoaksInterruptionsAreDrawnFromEachSeedAndEverySessionVerifies() throws {
    let record = Paths.temporary("soak.sqlite")
    defer { Paths.removeRecord(record) }
    let (status, output, errors) = try Self.run([
      "simulate", Paths.fixture("short-fixed-rate"), "--board", Paths.simBoard, "--repeat", "12",
      "--random-interruptions", "--record", record,
    ])
    #expect(status == 0 || status == 1, "\(errors)")
    #expect(output.contains("12 treatments: "))
    #expect(SoakScenario.draw(seed: 7, pulses: 5) == SoakScenario.draw(seed: 7, pulses: 5))
    let drawn = (1...12).map { SoakScenario.draw(seed: UInt64($0), pulses: 5) }
    #expect(drawn.contains { !$0.faults.isEmpty } && drawn.contains { !$0.acts.isEmpty })
    let moments = drawn.flatMap { $0.faults + $0.acts }.compactMap {
      $0.split(separator: "=").last.flatMap { Int($0) }
    }
    #expect(!moments.isEmpty && moments.allSatisfy { (1...5).contains($0) }, "\(moments)")
    let (verified, problems) = try RecordTamperTests.irectl(["records", "verify", "--record", record])
    #expect(verified == 0, "\(problems)")
  }

  /// A fault and an act whose moment never came (the treatment ended first) are dropped with
  /// the session: they capture the board, and would keep it and its world alive for the rest of
  /// a soak's process.
  @Test func actsThatNeverCameDoNotKeepTheBoardAlive() throws {
    weak var board: SimulatedBoard?
    do {
      var options = SimulationOptions(
        protocolPath: Paths.fixture("short-fixed-rate"), boardPath: Paths.simBoard, seed: 1,
        faults: [try FaultSpec(parsing: "estop@pulse=99"), try FaultSpec(parsing: "lid-open@t=9999")],
        showProgress: false)
      options.operatorActs = [try OperatorAct(parsing: "abort@pulse=99")]
      let result = try SimulationSession.run(options)
      #expect(result.summary.outcome == "completed")
      board = result.board
    }
    #expect(board == nil, "the board outlived its session")
  }

  /// A session leaves nothing of itself behind in the process: its sequencer (and with it the
  /// machine, the rings and the record's writer) is gone once the session is over.
  @Test func aSessionsSequencerIsGoneWithIt() throws {
    final class Weak: @unchecked Sendable { weak var sequencer: TreatmentSequencer? }
    let seen = Weak()
    let record = Paths.temporary("sequencer-gone.sqlite")
    defer { Paths.removeRecord(record) }
    do {
      let result = try SimulationSession.run(
        SimulationOptions(
          protocolPath: Paths.fixture("short-fixed-rate"), boardPath: Paths.simBoard, seed: 1,
          recordPath: record,
          showProgress: false),
        attach: { seen.sequencer = $0 })
      #expect(result.summary.outcome == "completed")
    }
    #expect(seen.sequencer == nil, "the sequencer outlived its session")
  }

  @Test func optionsThatDoNotFitARepeatAreRefusedByName() throws {
    for (arguments, words) in [
      (["--repeat", "0"], "--repeat: allowed 1...100000"),
      (["--repeat", "3", "--speed", "realtime"], "--repeat: runs fast treatments only"),
      (["--repeat", "3", "--summary-json", "/tmp/x.json"], "--repeat: one summary per treatment"),
      (["--random-interruptions"], "--random-interruptions: goes with --repeat N"),
      (["--repeat", "3", "--random-interruptions", "--fault", "estop@pulse=2"], "--random-interruptions"),
    ] {
      let (status, _, errors) = try Self.run(
        ["simulate", Paths.fixture("short-fixed-rate"), "--board", Paths.simBoard] + arguments)
      #expect(status == 2, "\(arguments)")
      #expect(errors.contains(words), "\(arguments): \(errors)")
    }
  }

  /// Fifty treatments in, a SIGTERM: it reaches the treatment running then (the relay's one
  /// thread serves every treatment of the process), which ends the safe way, and no treatment
  /// starts after it.
  @Test func aStopSignalReachesTheTreatmentRunningNow() throws {
    let record = Paths.temporary("repeat-signal.sqlite")
    defer { Paths.removeRecord(record) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.irectl)
    process.arguments = [
      "simulate", Paths.fixture("short-fixed-rate"), "--board", Paths.simBoard, "--repeat", "5000",
      "--record",
      record,
    ]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    var seen = ""
    while seen.components(separatedBy: "\n").count < 50 {
      let chunk = output.fileHandleForReading.availableData
      guard !chunk.isEmpty else { break }
      seen += String(decoding: chunk, as: UTF8.self)
    }
    kill(process.processIdentifier, SIGTERM)
    seen += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1, "\(errorText)")
    let done = seen.split(separator: "\n").filter { $0.hasPrefix("treatment ") }.count
    #expect(done >= 49 && done < 5000, "\(done) treatments ran")
    #expect(errorText.contains("stopped by a signal after"), "\(errorText)")
    let sessions = try TreatmentRecord(path: record).sessions()
    #expect(sessions.count <= done + 1, "a treatment started after the signal")
  }
}
