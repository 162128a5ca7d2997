import Controller
import Foundation
import Simulator
import Testing
import Units

/// Not at the moments a test happens to pick: at every instant of a window, on a fine grid.
@Suite("Stops at any instant")
struct AnyInstantTests {
  static func run(
    _ path: String, seed: UInt64 = 1, faults: [FaultSpec] = [], acts: [OperatorAct] = []
  ) throws -> SimulationResult {
    var options = SimulationOptions(
      protocolPath: path, boardPath: Paths.simBoard, seed: seed, faults: faults, pauseLimit: .seconds(5),
      showProgress: false)
    options.operatorActs = acts
    return try SimulationSession.run(options)
  }

  static let pancreas = Paths.protocolFile("pancreas-2probe")

  /// An abort told at every 25 µs from 6 ms before the 20th edge to the edge itself: no pulse
  /// at or after the abort's instant, on the board or in the summary.
  @Test func anAbortAnywhereInTheSixMillisecondsBeforeAnEdge() throws {
    let edge = try Self.run(Self.pancreas).board.fireEdges[20]
    for offset in stride(from: Int64(0), through: 6_000, by: 25) {
      let at = edge - .microseconds(offset)
      let result = try Self.run(Self.pancreas, acts: [OperatorAct(kind: .abort, when: .time(at))])
      #expect(result.summary.outcome == "aborted", "abort \(offset) µs before the edge")
      #expect(
        result.board.fireEdges.allSatisfy { $0 < at }, "abort \(offset) µs before the edge: an edge after it")
      #expect(
        result.summary.pulses.allSatisfy { $0.firedMs < at.sinceOrigin.milliseconds },
        "abort \(offset) µs before the edge: a pulse at or after it")
    }
  }

  /// An e-stop or the lid opened at times spread over the whole second between two pulses (the
  /// trigger wait, the delay, the fire check, the measurement): latched within its deadline.
  @Test(arguments: [FaultSpec.Kind.estop, .lidOpen])
  func anInterlockAnywhereBetweenTwoPulsesIsLatchedInTime(kind: FaultSpec.Kind) throws {
    let edges = try Self.run(Self.pancreas).board.fireEdges
    let (from, to) = (edges[30], edges[31])
    let interval = to - from
    for n in 0..<97 {
      let at = from + Nanoseconds(interval.value * Int64(n) / 97 + 137)
      let result = try Self.run(Self.pancreas, faults: [FaultSpec(kind: kind, when: .time(at))])
      let fault = try #require(result.summary.fault, "\(kind) at \(at)")
      let deadline = 20.0
      #expect(
        fault.atMs - at.sinceOrigin.milliseconds <= deadline,
        "\(kind) at \(at): latched \(fault.atMs - at.sinceOrigin.milliseconds) ms later")
      #expect(result.board.fireEdges.allSatisfy { $0 <= at }, "\(kind) at \(at): an edge after it")
    }
  }
}
