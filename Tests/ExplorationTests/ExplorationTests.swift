import Controller
import Foundation
import HAL
import Protocol
import Simulator
import Testing
import Units

@testable import Exploration

/// The explorer's own checks: they hold on the controller's runs, and they catch a run that
/// breaks them (a fire edge raised behind the controller's back).
@Suite("The explorer")
struct ExplorationTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let fixture = root.appendingPathComponent("Tests/Fixtures/short-fixed-rate.yaml").path
  static let board = root.appendingPathComponent("firmware-config/boards/reference-sim.yaml").path

  func explorer() throws -> Explorer {
    try Explorer(protocolPath: Self.fixture, boardPath: Self.board)
  }

  @Test func theUninterruptedRunHoldsAndIsCutIntoClasses() throws {
    let (baseline, classes) = try explorer().baseline(seed: 1)
    #expect(baseline.violations.isEmpty, "\(baseline.violations)")
    #expect(baseline.outcome == "completed")
    #expect(baseline.fireSteps.count == 5)
    #expect(
      classes.count > 100 && classes.count < baseline.steps, "\(classes.count) of \(baseline.steps) steps")
    // Consecutive, and covering every step once.
    #expect(classes.first?.first == 1 && classes.last?.last == baseline.steps)
    #expect(zip(classes, classes.dropFirst()).allSatisfy { $0.last + 1 == $1.first })
  }

  /// Every kind, at every step from the first edge's fire check to the edge itself.
  @Test func everyKindAroundTheFirstEdgeHolds() throws {
    let explorer = try explorer()
    let edge = try #require(explorer.baseline(seed: 1).verdict.fireSteps.first)
    for step in (edge - 40)...edge {
      for kind in explorer.kinds {
        let verdict = explorer.run(seed: 1, kind, at: step)
        #expect(verdict.violations.isEmpty, "\(kind)@step=\(step): \(verdict.violations)")
      }
    }
  }

  /// A fire edge that the controller did not raise breaks the invariants, and they say so.
  @Test func aRunThatBreaksTheInvariantsIsCaught() throws {
    let board = try BoardFile.load(path: Self.board)
    let plan = try ProtocolFile.load(path: Self.fixture, board: board)
    let result = try SimulationSession.run(
      SimulationOptions(protocolPath: Self.fixture, boardPath: Self.board, seed: 1, showProgress: false)
    ) { simulated in
      simulated.clock.schedule(at: Instant(sinceOrigin: .milliseconds(2))) {
        try? simulated.gpio.write(.pulseFire, true)
        try? simulated.gpio.write(.pulseFire, false)
      }
    }
    let scenario = Scenario(
      protocolPath: Self.fixture, boardPath: Self.board, seed: 1, interruption: nil, step: 0)
    let violations = Exploration.check(result, plan: plan, scenario: scenario, at: nil, kicked: true)
    #expect(violations.contains { $0.contains("while the HV outputs were off") }, "\(violations)")
    #expect(violations.contains { $0.contains("the summary lists") }, "\(violations)")
    #expect(
      violations.contains { $0.contains("its last look is not fresh (read: estop_ok") }, "\(violations)")
  }

  /// A board driven by hand: three reads of its own, then the last look's five reads in
  /// `order`, then `gap` other reads, then the edge.
  static func edge(gap: Int, order: [LineRole] = LineRole.lastLookLines) throws -> SimulatedBoard.FireDetail {
    let description = try BoardFile.load(path: Self.board)
    let simulated = SimulatedBoard(
      description: description, settings: try #require(description.simulator), pace: .fast, seed: 1)
    for _ in 0..<3 { _ = try simulated.gpio.read(.hvReady) }
    for role in order { _ = try simulated.gpio.read(role) }
    for _ in 0..<gap { _ = try simulated.gpio.read(.hvReady) }
    try simulated.gpio.write(.pulseFire, true)
    return try #require(simulated.fireDetails.last)
  }

  /// An edge fired on an old look (the fire check's snapshot, a look taken out of the fire
  /// path, a step slipped in between) is caught, whatever else the run did; one right after its
  /// look, or after the one wait for the pulse's instant, is not.
  @Test func anEdgeFiredOnAStaleLookIsCaught() throws {
    #expect(Exploration.staleLooks([try Self.edge(gap: 0)]).isEmpty)
    #expect(Exploration.staleLooks([try Self.edge(gap: 1)]).isEmpty)
    let late = Exploration.staleLooks([try Self.edge(gap: 2)])
    #expect(late.count == 1 && late.first?.contains("estop_ok at 4") == true, "\(late)")
    let shuffled = Exploration.staleLooks([
      try Self.edge(gap: 0, order: [.footswitchA, .estopOK, .footswitchB, .lidClosed, .hwFault])
    ])
    #expect(shuffled.count == 1, "reads out of the look's order are not one look")
    let missing = Exploration.staleLooks([
      try Self.edge(gap: 0, order: [.estopOK, .footswitchA, .footswitchB, .lidClosed])
    ])
    #expect(missing.first?.contains("hw_fault never") == true, "\(missing)")
  }

  /// An input's change is judged by the read of the very line it changed: the look read
  /// estop_ok at step 4, footswitch_a at 5, footswitch_b at 6, lid_closed at 7, hw_fault at 8.
  @Test func aChangeIsJudgedByTheReadOfItsOwnLine() throws {
    let edge = try Self.edge(gap: 0)
    #expect(Exploration.lookSaw(.estop, at: 4, before: edge))
    #expect(!Exploration.lookSaw(.estop, at: 5, before: edge))
    // A release changes both channels: a change after A's read that B's read saw is refused.
    #expect(Exploration.lookSaw(.footswitchRelease, at: 6, before: edge))
    #expect(!Exploration.lookSaw(.footswitchRelease, at: 7, before: edge))
    // A disagreement changes channel B alone.
    #expect(Exploration.lookSaw(.footswitchDisagree, at: 6, before: edge))
    #expect(!Exploration.lookSaw(.footswitchDisagree, at: 7, before: edge))
    #expect(Exploration.lookSaw(.lidOpen, at: 7, before: edge))
    #expect(Exploration.lookSaw(.hwFault, at: 8, before: edge))
    #expect(!Exploration.lookSaw(.hwFault, at: 9, before: edge))
    #expect(!Exploration.lookSaw(.overcurrent, at: 1, before: edge), "a fault no input shows")
  }

  @Test func aFailurePrintsTheCommandsThatReproduceIt() throws {
    let scenario = Scenario(
      protocolPath: "p.yaml", boardPath: "b.yaml", seed: 7,
      interruption: Interruption(.fault(.i2cNak, address: 0x30)), step: 123)
    #expect(scenario.replayCommand.hasSuffix("--seed 7 --replay i2c-nak:0x30@step=123"))
    #expect(scenario.simulateCommand.hasSuffix("--fault i2c-nak:0x30@step=123"))
    let resumed = Scenario(
      protocolPath: "p.yaml", boardPath: "b.yaml", seed: 1,
      interruption: Interruption(.act(.pause), then: .act(.resume), after: .milliseconds(500)), step: 9)
    #expect(resumed.simulateCommand.hasSuffix("--operator pause@step=9 --operator resume@step=9+0.5"))
    #expect(resumed.replayCommand.hasSuffix("--replay pause@step=9 --replay resume@step=9+0.5"))
    // What the replay command says is read back to the same run.
    let (parsed, step) = try Interruption.parse(["pause@step=9", "resume@step=9+0.5"])
    #expect(parsed == resumed.interruption && step == 9)
    let acknowledged = try Interruption.parse(["estop:0.5@step=40", "acknowledge@step=40+1"])
    #expect(
      acknowledged.0
        == Interruption(
          .fault(.estop, duration: .milliseconds(500)), then: .act(.acknowledge), after: .seconds(1)))
  }

  /// The operator's answers are tried at every step too: a pause resumed half a second later
  /// ends as the uninterrupted run does, and an e-stop released and acknowledged goes on.
  @Test func whatUnlocksDeliveryIsTriedAndTheTreatmentGoesOn() throws {
    let explorer = try explorer()
    let resumed = explorer.run(
      seed: 1, Interruption(.act(.pause), then: .act(.resume), after: .milliseconds(500)), at: 1500)
    #expect(resumed.violations.isEmpty, "\(resumed.violations)")
    #expect(resumed.outcome == "completed" && resumed.fireSteps.count == 5)
    let acknowledged = explorer.run(
      seed: 1,
      Interruption(
        .fault(.estop, duration: .milliseconds(500)), then: .act(.acknowledge), after: .seconds(1)),
      at: 1500)
    #expect(acknowledged.violations.isEmpty, "\(acknowledged.violations)")
    #expect(acknowledged.outcome == "completed" && acknowledged.fireSteps.count == 5)
  }
}
