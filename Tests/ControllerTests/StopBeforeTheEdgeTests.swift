import Controller
import Foundation
import Sequencer
import Simulator
import Testing
import Units

/// A stop that arrives after the fire check granted its permission, in the few milliseconds of
/// I2C work, sleep and spin before the edge: no pulse may leave after it.
@Suite("Stops between the permission and the edge")
struct StopBeforeTheEdgeTests {
  final class Box: @unchecked Sendable { var sequencer: TreatmentSequencer? }

  static func run(
    seed: UInt64, record: String? = nil, prepare: (SimulatedBoard, Box) -> Void = { _, _ in }
  ) throws -> SimulationResult {
    let box = Box()
    return try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: Paths.simBoard, seed: seed,
        recordPath: record, showProgress: false),
      prepare: { prepare($0, box) }, attach: { box.sequencer = $0 })
  }

  /// The 30th edge of an undisturbed run: the stops below land in the 6 ms before it.
  static let edge = (try? run(seed: 1).board.fireEdges[30]) ?? Instant(nanoseconds: 0)

  @Test(arguments: [6.0, 5.0, 4.0, 3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.2, 0.05, 0.0])
  func anAbortBeforeTheEdgeFiresNothingAfterIt(millisecondsBefore: Double) throws {
    let at = Self.edge - .seconds(millisecondsBefore / 1000)
    let result = try Self.run(seed: 1) { board, box in
      board.clock.schedule(at: at) { box.sequencer?.inbox.push(.abort(reason: "abort in the window")) }
    }
    #expect(result.summary.outcome == "aborted")
    #expect(result.board.fireEdges.allSatisfy { $0 < at }, "an edge at or after the abort")
    #expect(result.board.fireEdges.count == 30)
    #expect(result.summary.pulses.allSatisfy { $0.firedMs < at.sinceOrigin.milliseconds })
  }

  @Test(arguments: [5.0, 3.0, 2.0, 1.0, 0.2, 0.0])
  func aPauseBeforeTheEdgeFiresNothingUntilTheOperatorResumes(millisecondsBefore: Double) throws {
    let at = Self.edge - .seconds(millisecondsBefore / 1000)
    let result = try Self.run(seed: 1) { board, box in
      board.clock.schedule(at: at) { box.sequencer?.inbox.push(.pause) }
    }
    // The scripted operator resumes an operator pause after 3 s: nothing fires before then.
    #expect(
      !result.board.fireEdges.contains { $0 >= at && $0 < at + .seconds(3) }, "an edge inside the pause")
  }

  /// A board whose fire check runs 40 ms before the edge (`timing.fire_check_lead_us`, the
  /// longest a board file may ask): a pause taken 30 ms before the edge, after the permission,
  /// leaves the way to the edge there; nothing sleeps on unkicked toward an edge that can no
  /// longer fire, so the external watchdog never lapses and nothing latches.
  @Test func aPauseAfterALongChecksPermissionLeavesTheWatchdogFed() throws {
    let directory = Paths.temporary("long-lead-board")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let base = try String(contentsOfFile: Paths.config("boards/reference.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "\ntiming:\n", with: "\ntiming:\n  fire_check_lead_us: 40000\n")
    #expect(base.contains("fire_check_lead_us: 40000"))
    try base.write(toFile: directory + "/reference.yaml", atomically: true, encoding: .utf8)
    let board = directory + "/reference-sim.yaml"
    try FileManager.default.copyItem(atPath: Paths.simBoard, toPath: board)
    let run = { (prepare: (SimulatedBoard, Box) -> Void) in
      let box = Box()
      return try SimulationSession.run(
        SimulationOptions(
          protocolPath: Paths.protocolFile("pancreas-2probe"), boardPath: board, seed: 1, showProgress: false),
        prepare: { prepare($0, box) }, attach: { box.sequencer = $0 })
    }
    let edge = try run { _, _ in }.board.fireEdges[30]
    let at = edge - .milliseconds(30)
    let result = try run { board, box in
      board.clock.schedule(at: at) { box.sequencer?.inbox.push(.pause) }
    }
    let lastPulse = try #require(result.board.fireEdges.last)
    #expect(
      result.board.watchdogTrips.allSatisfy { $0 > lastPulse },
      "the watchdog lapsed during the session, at \(result.board.watchdogTrips)")
    #expect(result.summary.fault == nil, "\(String(describing: result.summary.fault))")
    #expect(
      !result.board.fireEdges.contains { $0 >= at && $0 < at + .seconds(3) }, "an edge inside the pause")
  }

  /// A pause anywhere, every 10 µs, in the 2.2 ms before a fixed-rate fire check (longer than
  /// the wait's last slice): the outputs are safe within the pause's 5 ms deadline. A command
  /// that came during the wait's last slice used to wait out the whole fresh check (the
  /// explorer found it 12 µs late: `pause@step=5138`, seed 4).
  @Test func aPauseJustBeforeAFixedRateCheckIsSafeWithinItsDeadline() throws {
    let run = { (seed: UInt64, prepare: (SimulatedBoard, Box) -> Void) in
      let box = Box()
      return try SimulationSession.run(
        SimulationOptions(
          protocolPath: Paths.fixture("short-fixed-rate"), boardPath: Paths.simBoard, seed: seed,
          showProgress: false),
        prepare: { prepare($0, box) }, attach: { box.sequencer = $0 })
    }
    let check = try run(4) { _, _ in }.board.fireEdges[4] - .milliseconds(5)
    var latest = Nanoseconds.zero
    for step in 0...220 {
      let at = check - .microseconds(2_200) + .microseconds(Int64(step) * 10)
      let result = try run(4) { board, box in
        board.clock.schedule(at: at) { box.sequencer?.inbox.push(.pause) }
      }
      let safe = try #require(result.board.chargerSafe(from: at), "never safe after a pause at \(at)")
      latest = max(latest, safe - at)
      #expect(safe - at <= .milliseconds(5), "a pause at \(at) made the outputs safe \(safe - at) later")
    }
    #expect(latest > .zero, "every pause landed where the outputs were already safe")
  }

  /// A lost treatment event closes the record's gate: the next pulse does not fire, even when
  /// its intent was already on disk.
  @Test func aLostEventStopsTheNextPulseEvenWithItsIntentDurable() throws {
    let at = Self.edge - .milliseconds(20)
    let path = Paths.temporary("lost-event.sqlite")
    defer { Paths.removeRecord(path) }
    let result = try Self.run(seed: 1, record: path) { board, box in
      board.clock.schedule(at: at) { box.sequencer?.intentGate?.fail() }
    }
    #expect(result.board.fireEdges.allSatisfy { $0 < at }, "an edge after the record failed")
    #expect(result.summary.fault?.interlock == "record")
  }
}
