import Controller
import Foundation
import Protocol
import Simulator
import Units

/// Runs a protocol again and again with one interruption each time: exhaustively, at every
/// class of steps with every kind, or at random steps, kinds and seeds for a given time.
///
/// Steps are grouped into classes: a run of consecutive steps that only toggle `watchdog_kick`
/// or sleep is one class, every other step is a class of its own. That is sound because in such
/// a run the controller neither reads an input, nor touches the bus, nor fires: whatever is
/// injected at any of its steps is first seen at the same place (the next poll's reads, the
/// next transfer, the fire path's last look), and a command at the next kick's look at the
/// ring, at most one 2 ms slice later; no edge can come in between. Each class is tried at its
/// first step and, when it has more than one, at its last.
public struct Explorer {
  public let protocolPath: String
  public let boardPath: String
  public let plan: TreatmentProtocol
  public let kinds: [Interruption]
  /// Where the runs' records are written: one file for many runs, a new one every
  /// `runsPerRecord`, each removed once its runs are checked.
  private let records: RecordRotation

  public init(protocolPath: String, boardPath: String, scratch: String = NSTemporaryDirectory()) throws {
    self.protocolPath = protocolPath
    self.boardPath = boardPath
    self.records = RecordRotation(directory: scratch)
    let board = try BoardFile.load(path: boardPath)
    plan = try ProtocolFile.load(path: protocolPath, board: board)
    let i2c = board.i2c
    kinds = Interruption.all(
      addresses: [i2c.supervisor, i2c.adc, i2c.temperature, i2c.relaysPlus, i2c.relaysMinus],
      ecg: plan.ecgGating != nil)
  }

  /// A class of steps where an interruption has the same effect (see above).
  public struct StepClass: Sendable {
    public var first: Int
    public var last: Int
    public var kind: StepLog.Kind
    /// The steps the class is tried at.
    public var probes: [Int] { first == last ? [first] : [first, last] }
  }

  /// The uninterrupted run with `seed`, and its steps grouped into classes.
  public func baseline(seed: UInt64) -> (verdict: Exploration.Verdict, classes: [StepClass]) {
    var classes: [StepClass] = []
    let verdict = Exploration.run(
      Scenario(protocolPath: protocolPath, boardPath: boardPath, seed: seed, interruption: nil, step: 0),
      plan: plan, record: records.next()
    ) { step, kind in
      let quiet = Explorer.onlyKicksOrSleeps(kind)
      if quiet, let last = classes.last, Explorer.onlyKicksOrSleeps(last.kind), last.last == step - 1 {
        classes[classes.count - 1].last = step
      } else {
        classes.append(StepClass(first: step, last: step, kind: kind))
      }
    }
    return (verdict, classes)
  }

  static func onlyKicksOrSleeps(_ kind: StepLog.Kind) -> Bool {
    switch kind {
    case .write(.watchdogKick, _), .sleep: true
    case .read, .write, .edgeWait, .busRead, .busWrite, .sleepPrecisely: false
    }
  }

  /// Every class × every kind, the part of them that falls to shard `shard` of `shards`.
  public func exhaustive(
    seed: UInt64, classes: [StepClass], shard: Int = 0, shards: Int = 1, report: (Exploration.Verdict) -> Void
  ) {
    var index = 0
    for stepClass in classes {
      for step in stepClass.probes {
        for kind in kinds {
          defer { index += 1 }
          guard index % shards == shard else { continue }
          report(run(seed: seed, kind, at: step))
        }
      }
    }
  }

  /// One run with `interruption` at `step`, checked.
  public func run(seed: UInt64, _ interruption: Interruption, at step: Int) -> Exploration.Verdict {
    Exploration.run(
      Scenario(
        protocolPath: protocolPath, boardPath: boardPath, seed: seed, interruption: interruption, step: step),
      plan: plan, record: records.next())
  }

  /// The number of runs `exhaustive` makes over all shards.
  public func exhaustiveRuns(_ classes: [StepClass]) -> Int {
    classes.reduce(0) { $0 + $1.probes.count } * kinds.count
  }
}

/// The record files the explorer's runs write: each run's session goes into the current file,
/// and after `runsPerFile` runs a new file begins and the old one is removed, so that neither
/// creating a record per run nor one record of every run slows the runs down.
final class RecordRotation {
  static let runsPerFile = 200
  private let directory: String
  private var current: String?
  private var runs = 0

  init(directory: String) { self.directory = directory }

  deinit { remove() }

  func next() -> String {
    if let current, runs < RecordRotation.runsPerFile {
      runs += 1
      return current
    }
    remove()
    let folder = directory + "/explore-\(getpid())-\(UUID().uuidString)"
    current = folder + "/record.sqlite"
    runs = 1
    return folder + "/record.sqlite"
  }

  private func remove() {
    guard let current else { return }
    try? FileManager.default.removeItem(atPath: (current as NSString).deletingLastPathComponent)
  }
}
