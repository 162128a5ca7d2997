import Controller
import Foundation
import Simulator
import Testing
import Units

/// The external watchdog, the acknowledge flow, and the end of a treatment by a signal.
@Suite("Watchdog, recovery and signals")
struct WatchdogAndRecoveryTests {
  func run(_ faults: [String], resume: Bool = false) throws -> SimulationResult {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("liver-4probe-box"), boardPath: Paths.simBoard, seed: 2,
        faults: try faults.map(FaultSpec.init(parsing:)), resumeAfterFault: resume, showProgress: false))
  }

  @Test func aHungTimingThreadIsCaughtByTheWatchdogWhichBleedsTheBank() throws {
    let result = try run(["stall:300@t=30.02"])
    let board = result.board
    let stalled = Instant(sinceOrigin: .seconds(30.02))
    let trip = try #require(board.watchdogTrips.first)
    #expect(trip > stalled && trip - stalled <= .milliseconds(21), "tripped \(trip - stalled) into the stall")
    #expect(board.chargerSafe(at: trip), "HV dropped and the bleed engaged by the watchdog")
    // During the stall nobody drives anything: the bank bleeds on the watchdog's word alone.
    let bank = board.charger.voltage(at: stalled + .milliseconds(290))
    #expect(bank < Volts(50), "bank at \(bank) before the timing thread ran again")
    #expect(result.summary.fault?.interlock == "timing")
    #expect(board.fireEdges.allSatisfy { $0 < stalled })
  }

  @Test func theWatchdogStaysQuietWhileTheLoopRuns() throws {
    let result = try run([])
    let lastPulse = try #require(result.board.fireEdges.last)
    #expect(
      result.board.watchdogTrips.allSatisfy { $0 > lastPulse }, "tripped only once the session had ended")
  }

  @Test func afterAFaultTheOperatorClearsTheCauseAcknowledgesAndTheTreatmentGoesOn() throws {
    let result = try run(["estop@pulse=150", "lid-open@pulse=420"], resume: true)
    #expect(result.summary.outcome == "completed")
    #expect(result.summary.pulses.count == 600, "every remaining pulse delivered after each recovery")
    #expect(result.simulatorPulseCount == 600)
    #expect(result.summary.faults.map(\.interlock) == ["estop", "lid"])
    #expect(result.summary.faults.allSatisfy { $0.recovered == true })
    #expect(result.summary.pairs.allSatisfy { $0.testDelivered == 10 && $0.therapyDelivered == 90 })
  }

  @Test func withoutResumeTheFaultEndsTheTreatment() throws {
    let result = try run(["estop@pulse=150"])
    #expect(result.summary.outcome == "faulted")
    #expect(result.summary.pulses.count == 150)
    #expect(result.summary.faults.first?.recovered == nil)
  }

  @Test func aCauseThatDoesNotGoAwayIsNotAcknowledged() throws {
    // A welded relay is not a cause the operator can clear by hand: the scripted operator
    // tries, the relays still do not read back, and the treatment ends faulted.
    let result = try run(["relay-stuck@pulse=30"], resume: false)
    #expect(result.summary.outcome == "faulted")
    #expect(result.summary.fault?.interlock == "relay_readback")
  }

  @Test func sigtermStopsSafelyWritesEverythingAndExitsOne() throws {
    try HostStall.run(
      "sigterm",
      start: {
        (
          summary: Paths.temporary("\(HostStall.named("sigterm-summary", $0)).json"),
          record: Paths.temporary("\(HostStall.named("sigterm-record", $0)).sqlite")
        )
      },
      stalled: { HostStall.timingFault(summary: $0.summary) || HostStall.timingFault(record: $0.record) },
      end: {
        try? FileManager.default.removeItem(atPath: $0.summary)
        Paths.removeRecord($0.record)
      }
    ) { files in
      let (summary, record) = files
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Paths.irectl)
      process.arguments = [
        "simulate", Paths.protocolFile("pancreas-2probe"), "--board", Paths.simBoard, "--speed", "realtime",
        "--summary-json", summary, "--record", record,
      ]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: 2)
      if process.isRunning { process.terminate() }
      process.waitUntilExit()
      #expect(process.terminationReason == .exit)
      #expect(process.terminationStatus == 1)
      let decoded = try JSONDecoder().decode(
        TreatmentSummary.self, from: Data(contentsOf: URL(fileURLWithPath: summary)))
      #expect(decoded.outcome == "aborted")
      #expect(decoded.abortReason?.hasPrefix("SIGTERM received") == true)
      #expect(decoded.finalBankV.map { $0 < 50 } == true)
    }
  }

  @Test func anUnknownFaultKindIsAUsageError() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.irectl)
    process.arguments = ["simulate", Paths.protocolFile("pancreas-2probe"), "--fault", "gremlins@t=1"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 2)
  }
}
