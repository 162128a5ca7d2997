import Controller
import Foundation
import Simulator
import Testing
import Units

/// The interlock inputs are watched while the timing loop waits (between pulses at a fixed rate,
/// between the trigger and the fire check), not only at the next fire check: each acts within
/// its deadline whenever its cause appears.
@Suite("Interlocks while the timing loop waits")
struct InterlockWhileWaitingTests {
  static func run(_ path: String, seed: UInt64 = 1, prepare: (SimulatedBoard) -> Void) throws
    -> SimulationResult
  {
    try SimulationSession.run(
      SimulationOptions(
        protocolPath: path, boardPath: Paths.simBoard, seed: seed, pauseLimit: .seconds(5),
        showProgress: false), prepare: prepare)
  }

  /// Between two pulses of a 2 Hz fixed-rate protocol the loop waits half a second.
  @Test(arguments: [0.05, 0.2, 0.45])
  func anEstopBetweenFixedRatePulsesLatchesWithinItsDeadline(secondsAfterAPulse: Double) throws {
    let fixture = Paths.fixture("short-fixed-rate")
    let baseline = try Self.run(fixture) { _ in }
    let press = baseline.board.fireEdges[1] + .seconds(secondsAfterAPulse)
    let result = try Self.run(fixture) { board in
      board.clock.schedule(at: press) { board.estopPressed = true }
    }
    let fault = try #require(result.summary.fault)
    #expect(fault.interlock == "estop")
    #expect(fault.atMs - press.sinceOrigin.milliseconds <= 20, "latched \(fault.atMs) ms, pressed \(press)")
    let safe = try #require(result.board.chargerSafe(from: press))
    #expect(safe - press <= .milliseconds(20))
  }

  /// The trigger-to-check wait: 45 ms between the R-wave and the fresh check of an ECG protocol.
  @Test(arguments: [1.0, 10.0, 30.0])
  func aLidOpenedAfterTheTriggerLatchesWithinItsDeadline(millisecondsAfterTheTrigger: Double) throws {
    let baseline = try Self.run(Paths.protocolFile("pancreas-2probe")) { _ in }
    let trigger = try #require(baseline.summary.pulses[20].triggerMs)
    let opened = Instant(sinceOrigin: .seconds((trigger + millisecondsAfterTheTrigger) / 1000))
    let result = try Self.run(Paths.protocolFile("pancreas-2probe")) { board in
      board.clock.schedule(at: opened) { board.lidClosed = false }
    }
    let fault = try #require(result.summary.fault)
    #expect(fault.interlock == "lid")
    #expect(fault.atMs - opened.sinceOrigin.milliseconds <= 20, "latched at \(fault.atMs) ms")
    let safe = try #require(result.board.chargerSafe(from: opened))
    #expect(safe - opened <= .milliseconds(20))
  }

  @Test func aFootswitchReleasedAfterTheTriggerPausesWithinItsDeadline() throws {
    let baseline = try Self.run(Paths.protocolFile("pancreas-2probe")) { _ in }
    let trigger = try #require(baseline.summary.pulses[12].triggerMs)
    let released = Instant(sinceOrigin: .seconds((trigger + 5) / 1000))
    let result = try Self.run(Paths.protocolFile("pancreas-2probe")) { board in
      board.clock.schedule(at: released) {
        board.footswitchA = false
        board.footswitchB = false
      }
    }
    let safe = try #require(result.board.chargerSafe(from: released))
    #expect(safe - released <= .milliseconds(20))
  }
}
