import Controller
import Simulator
import Units

/// One run the explorer makes: a protocol on the simulated board from a seed, with at most one
/// interruption at one step.
public struct Scenario: Sendable, Hashable {
  public var protocolPath: String
  public var boardPath: String
  public var seed: UInt64
  public var interruption: Interruption?
  /// The step the interruption comes right before (from 1).
  public var step: Int

  /// How long the scripted operator waits out a pause before it aborts: short, so that a run
  /// whose pause never ends is settled soon.
  public static let pauseLimit = Nanoseconds.seconds(5)

  public init(protocolPath: String, boardPath: String, seed: UInt64, interruption: Interruption?, step: Int) {
    self.protocolPath = protocolPath
    self.boardPath = boardPath
    self.seed = seed
    self.interruption = interruption
    self.step = step
  }

  /// The `irectl simulate` command that makes the same run (into a record of its own).
  public var simulateCommand: String {
    var words = [
      "irectl simulate", protocolPath, "--board", boardPath, "--seed", String(seed), "--pause-limit",
      String(Int(Scenario.pauseLimit.seconds)), "--record explore-run.sqlite",
    ]
    words += interruption?.options(at: step) ?? []
    return words.joined(separator: " ")
  }

  /// The explorer's command that makes the same run and checks it again.
  public var replayCommand: String {
    var words = ["scripts/explore --protocol", protocolPath, "--board", boardPath, "--seed", String(seed)]
    for spec in interruption?.specs(at: step) ?? [] { words += ["--replay", spec] }
    return words.joined(separator: " ")
  }
}
