import ArgumentParser
import Controller
import Exploration
import Foundation
import Simulator

/// `explore`: the safety core tried at every step. It runs a protocol on the simulated board
/// with one interruption (an operator's act, an input, a bus fault, a stall) at one step, and
/// checks after every run what must always hold (docs/safety.md, "The explorer"). A failure
/// prints the command that reproduces it. Usually run through `scripts/explore`.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore",
    abstract: "Interrupt a simulated treatment at every step and check that it stays safe.",
    discussion: """
      --exhaustive: every class of steps of one seed's run × every kind of interruption.
      --seconds N: random steps, kinds and seeds of the protocols given, for N seconds.
      --replay SPEC@step=K: one run, checked, with the interruption as --fault or --operator
      takes it. The last line of output is one JSON object with the counts. Exit 0 when every
      invariant held, 1 when one broke, 2 on bad usage.
      """)

  @Option(help: "Protocol file (repeatable with --seconds: each run picks one).")
  var `protocol`: [String] = []

  @Option(help: "Board file (simulator backend).")
  var board = "firmware-config/boards/reference-sim.yaml"

  @Option(help: "Seed of the exhaustive and replayed runs.")
  var seed: UInt64 = 1

  @Flag(help: "Every class of steps × every kind.")
  var exhaustive = false

  @Option(help: "Explore at random for this many seconds.")
  var seconds: Double?

  @Option(
    help: "With --seconds: the share of runs on the last protocol given; the others share the rest (0...1).")
  var share: Double = 0.1

  @Option(help: "Seeds of random runs are drawn from 1...N.")
  var seeds: UInt64 = 64

  @Option(
    help: ArgumentHelp(
      "One run: SPEC@step=K (SPEC as --fault or --operator takes it), and optionally a second --replay"
        + " SPEC@step=K+SECONDS (the operator's answer)."))
  var replay: [String] = []

  @Option(help: "This process's part of the work, as I/N (from 0).")
  var shard = "0/1"

  @Option(help: "Where each run's record is written and removed.")
  var scratch: String?

  func run() throws {
    guard !`protocol`.isEmpty else { throw ValidationError("--protocol: at least one protocol file") }
    let parts = shard.split(separator: "/").compactMap { Int($0) }
    guard parts.count == 2, parts[1] >= 1, (0..<parts[1]).contains(parts[0]) else {
      throw ValidationError("--shard: I/N with 0 <= I < N; found \(shard)")
    }
    let explorers = try `protocol`.map {
      try Explorer(protocolPath: $0, boardPath: board, scratch: scratch ?? NSTemporaryDirectory())
    }
    var tally = Tally()
    let started = Date()
    if !replay.isEmpty {
      try replayOne(replay, explorers[0], &tally)
    } else if exhaustive {
      let explorer = explorers[0]
      let (baseline, classes) = explorer.baseline(seed: seed)
      tally.add(baseline, kinds: [])
      tally.steps = baseline.steps
      tally.classes = classes.count
      print(
        "baseline: \(baseline.steps) steps in \(classes.count) classes; \(explorer.exhaustiveRuns(classes))"
          + " runs over all shards, \(explorer.kinds.count) kinds")
      explorer.exhaustive(seed: seed, classes: classes, shard: parts[0], shards: parts[1]) { verdict in
        tally.add(verdict, kinds: [verdict.scenario.interruption])
      }
    } else if let seconds {
      var random = SeededGenerator(seed: seed &+ UInt64(parts[0]) &* 7919)
      var lengths: [String: Int] = [:]
      // Each process takes its own seeds (those of its shard: shard + 1, shard + 1 + N, ...), so
      // that the steps tried by all of them are the sum of what each tried.
      let processes = UInt64(parts[1])
      let firstSeed = UInt64(parts[0]) + 1
      guard seeds >= firstSeed else {
        throw ValidationError(
          "--seeds: at least one seed per process (\(processes) processes); found \(seeds)")
      }
      let ownSeeds = (seeds - firstSeed) / processes + 1
      var tried: Set<String> = []
      while Date().timeIntervalSince(started) < seconds {
        // The last protocol (the long one) gets its share; the others split the rest.
        let last = explorers.count - 1
        let pick =
          explorers.count == 1 || random.unit() < share
          ? last : Int(random.unit() * Double(last)) % max(last, 1)
        let explorer = explorers[pick]
        let runSeed = firstSeed + processes * (UInt64(random.unit() * Double(ownSeeds)) % ownSeeds)
        let key = "\(explorer.protocolPath)#\(runSeed)"
        let length =
          lengths[key]
          ?? {
            let steps = explorer.baseline(seed: runSeed).verdict.steps
            lengths[key] = steps
            return steps
          }()
        let kind = explorer.kinds[Int(random.unit() * Double(explorer.kinds.count)) % explorer.kinds.count]
        let step = 1 + Int(random.unit() * Double(max(length, 1)))
        tally.add(explorer.run(seed: runSeed, kind, at: step), kinds: [kind])
        tried.insert("\(key)@\(step)")
      }
      // Random mode's steps: the distinct steps (of a protocol's run with a seed) an interruption
      // was put into; its space, the steps of every such run met.
      tally.steps = tried.count
      tally.stepSpace = lengths.values.reduce(0, +)
    } else {
      throw ValidationError("give --exhaustive, --seconds N or --replay SPEC@step=K")
    }
    tally.seconds = Date().timeIntervalSince(started)
    print(tally.json)
    if tally.failures > 0 { throw ExitCode(1) }
  }

  private func replayOne(_ specs: [String], _ explorer: Explorer, _ tally: inout Tally) throws {
    let interruption: Interruption
    let step: Int
    do { (interruption, step) = try Interruption.parse(specs) } catch {
      throw ValidationError("--replay: \(error)")
    }
    let verdict = explorer.run(seed: seed, interruption, at: step)
    print("\(verdict.scenario.simulateCommand)")
    print(
      "interrupted at \(verdict.interruptedAt.map { "\($0)" } ?? "no step (the run was shorter)"); outcome"
        + " \(verdict.outcome); \(verdict.steps) steps; \(verdict.fireSteps.count) fire edges, at steps"
        + " \(verdict.fireSteps.prefix(12).map(String.init).joined(separator: ", "))"
        + (verdict.fireSteps.count > 12 ? ", ..." : ""))
    tally.add(verdict, kinds: [interruption])
  }
}

/// What the runs showed, together.
struct Tally {
  var runs = 0
  var failures = 0
  var steps = 0
  /// Random mode: the steps of every (protocol, seed) run met, of which `steps` were tried.
  var stepSpace = 0
  var classes = 0
  var seconds = 0.0
  var kinds: Set<String> = []
  var protocols: [String: Int] = [:]
  var outcomes: [String: Int] = [:]

  mutating func add(_ verdict: Exploration.Verdict, kinds tried: [Interruption?]) {
    runs += 1
    for kind in tried { if let kind { kinds.insert(kind.description) } }
    protocols[(verdict.scenario.protocolPath as NSString).lastPathComponent, default: 0] += 1
    outcomes[verdict.outcome, default: 0] += 1
    guard !verdict.violations.isEmpty else { return }
    failures += 1
    print(
      "FAIL \(verdict.scenario.interruption.map { "\($0) at step \(verdict.scenario.step)" } ?? "baseline"):")
    for violation in verdict.violations { print("  \(violation)") }
    print("  reproduce: \(verdict.scenario.replayCommand)")
    print("  the run:   \(verdict.scenario.simulateCommand)")
  }

  var json: String {
    let object: [String: Any] = [
      "runs": runs, "failures": failures, "steps": steps, "step_space": stepSpace, "classes": classes,
      "kinds": kinds.sorted(),
      "protocols": protocols, "outcomes": outcomes, "seconds": (seconds * 10).rounded() / 10,
      "runs_per_second": seconds > 0 ? (Double(runs) / seconds * 10).rounded() / 10 : 0,
    ]
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}

Explore.main()
