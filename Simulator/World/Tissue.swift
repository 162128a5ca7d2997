import Dispatch
import Planning
import Protocol
import Synchronization
import Units

/// The tissue between the needles, pulse after pulse (DOMAIN.md, "Tissue, for the simulator").
///
/// Its currents come from the planner's field model (`Planning`), with the simulated tissue's own
/// σ(E) ramp and needle radius from the board file: each pair's field is solved once per
/// treatment, when the probes are placed (or taken from a cache of earlier solves in the same
/// process), as two conductances (current per volt): the tissue before its pores open (the
/// ramp's low conductivity everywhere) and with σ(E) settled. A pulse reads them, never solves.
///
/// The pores open over the train: the fraction of the way from the first to the second is the
/// Peleg–Fermi permeabilised fraction at the pair's nominal field (voltage over spacing),
/// counted from the first pulse, which meets the tissue as it was (PLANNING.md: the in-vitro
/// constants are the simulator's sense of "how permeabilised", never the lesion's), and it never
/// falls back. Conductivity also rises with the temperature next to the needles, which each pulse
/// heats and which cools in between; a calibration factor stands for what a uniform tissue
/// leaves out (tumour, vessels). That is why the current of a pair rises over its train, as it
/// does in the clinic.
public struct Tissue {
  public let settings: TissueSettings
  private var random: SeededGenerator
  /// Per pair (unordered probes): pulses so far, how permeabilised, temperature rise at the last
  /// pulse.
  private var pairs: [PairKey: PairState] = [:]
  /// Per pair: its two conductances and its spacing, from the field model.
  private var models: [PairKey: PairModel] = [:]
  /// The needles as placed, for a pair that was not prepared.
  private var needles: [Needle] = []
  /// The protocol's pairs as placed, not yet solved: their solve starts when the bank is first
  /// charged (`beginSolving`), on other threads while it charges, and is taken at the first
  /// pulse.
  private var unsolved: ProbeLayout?
  private var pending: PendingSolve?

  struct PairKey: Hashable {
    var low: Int
    var high: Int
    init(_ a: Int, _ b: Int) { (low, high) = (min(a, b), max(a, b)) }
  }
  struct PairState {
    var pulses = 0
    var permeabilised = 0.0
    var heating = Celsius(0)
    var lastPulse: Instant?
  }
  struct PairModel {
    var conductance: PairConductance
    var spacing: Millimetres
  }

  /// The grid the simulated tissue's fields are solved on: coarse, since only the currents are
  /// wanted (they move by less than 3 % from 0.5 mm to 2 mm, docs/simulator.md), and solved to
  /// tolerances that move them by less than 0.01 % at half the planner's cost.
  public static var fieldOptions: PlanningOptions {
    var options = PlanningOptions()
    options.resolution = Millimetres(2)
    options.tolerance = 1e-4
    options.conductivityTolerance = 0.02
    return options
  }

  public init(settings: TissueSettings, random: SeededGenerator) {
    self.settings = settings
    self.random = random
    pairs.reserveCapacity(15)  // every pair a protocol may have: no allocation mid-treatment
    models.reserveCapacity(15)
  }

  /// The simulated tissue's σ(E) ramp.
  public var ramp: ConductivityRamp {
    ConductivityRamp(
      low: settings.sigmaLow, high: settings.sigmaHigh, fieldLow: settings.fieldLow,
      fieldHigh: settings.fieldHigh)
  }

  /// Places the needles (the simulator's own radius) and the pairs whose fields the treatment
  /// will need (each unordered pair once, at the voltage it is first given). They are solved
  /// while the bank first charges (`beginSolving`), so that neither the controller's start-up
  /// (its record, its checks) nor its first pulse waits for them where the charging takes real
  /// time; the first pulse waits for what is not done (the simulated world stands still
  /// meanwhile), or solves them itself if nothing charged.
  public mutating func place(_ probes: [Probe], pairs: [ProbePair]) {
    needles = probes.map {
      Needle(id: $0.id, x: $0.x, y: $0.y, exposure: $0.exposure, radius: settings.needleRadius)
    }
    models.removeAll(keepingCapacity: true)
    self.pairs.removeAll(keepingCapacity: true)
    var seen: Set<PairKey> = []
    var wanted: [NeedlePair] = []
    for pair in pairs where seen.insert(PairKey(pair.anode, pair.cathode)).inserted {
      wanted.append(NeedlePair(anode: pair.anode, cathode: pair.cathode, voltage: pair.voltage))
    }
    pending = nil
    unsolved = nil
    guard !wanted.isEmpty, let layout = try? ProbeLayout(needles: needles, pairs: wanted) else { return }
    if let known = ConductanceCache.known(layout: layout, ramp: ramp, options: Self.fieldOptions) {
      take(known)
    } else {
      unsolved = layout
    }
  }

  /// Starts solving the placed pairs on other threads, if they are not solved or being solved.
  public mutating func beginSolving() {
    guard let layout = unsolved else { return }
    unsolved = nil
    pending = PendingSolve(layout: layout, ramp: ramp, options: Self.fieldOptions)
  }

  /// Takes the placed pairs' conductances: solved now if their solve never started, else the
  /// background solve's, waited for if need be.
  private mutating func settlePending() {
    if let layout = unsolved {
      unsolved = nil
      take(ConductanceCache.conductances(layout: layout, ramp: ramp, options: Self.fieldOptions))
    }
    guard let solve = pending else { return }
    pending = nil
    take(solve.wait())
  }

  private mutating func solve(_ wanted: [NeedlePair]) {
    guard !wanted.isEmpty, let layout = try? ProbeLayout(needles: needles, pairs: wanted) else { return }
    take(ConductanceCache.conductances(layout: layout, ramp: ramp, options: Self.fieldOptions))
  }

  private mutating func take(_ conductances: [PairConductance]) {
    for conductance in conductances {
      let pair = conductance.pair
      guard let a = needles.first(where: { $0.id == pair.anode }),
        let b = needles.first(where: { $0.id == pair.cathode })
      else { continue }
      models[PairKey(pair.anode, pair.cathode)] = PairModel(
        conductance: conductance, spacing: a.spacing(to: b))
    }
  }

  /// The two conductances of the pair between `a` and `b` (`nil` before it is solved).
  public func conductance(between a: Int, _ b: Int) -> PairConductance? {
    if let model = models[PairKey(a, b)] { return model.conductance }
    let solved =
      pending?.wait()
      ?? unsolved.map { ConductanceCache.conductances(layout: $0, ramp: ramp, options: Self.fieldOptions) }
    return solved?.first { PairKey($0.pair.anode, $0.pair.cathode) == PairKey(a, b) }
  }

  /// Peleg–Fermi survival after `n` pulses at `field` (DOMAIN.md): the fraction of cells alive.
  public static func survival(field: VoltsPerCentimetre, pulses n: Int) -> Double {
    let critical = 3996 * exp(-0.03 * Double(n))
    let spread = 1441 * exp(-0.06 * Double(n))
    return 1 / (1 + exp((field.value - critical) / spread))
  }

  /// The fraction of the way from the unporated to the settled conductance after `n` pulses at
  /// `field`: the permeabilised fraction counted from the first pulse (0 there, 1 when no cell
  /// is left intact).
  public static func permeabilised(field: VoltsPerCentimetre, pulses n: Int) -> Double {
    let first = survival(field: field, pulses: 1)
    guard first > 0 else { return 1 }
    return Swift.min(1, Swift.max(0, 1 - survival(field: field, pulses: n) / first))
  }

  /// The peak current of one pulse of `voltage` between probes `a` and `b`, then the tissue's
  /// response to it (more permeabilised, warmer). A pair that was not prepared by `place` is
  /// solved now, once; no current flows between needles that were never placed.
  public mutating func pulse(_ voltage: Volts, between a: Int, _ b: Int, at instant: Instant) -> Amperes {
    let key = PairKey(a, b)
    if pending != nil || unsolved != nil { settlePending() }
    if models[key] == nil { solve([NeedlePair(anode: a, cathode: b, voltage: voltage)]) }
    guard let model = models[key] else { return Amperes(0) }
    var state = pairs[key] ?? PairState()
    if let last = state.lastPulse {
      let cooled = exp(-(instant - last).milliseconds / Double(settings.coolingTimeConstant.value))
      state.heating = state.heating * cooled
    }
    state.pulses += 1
    let nominal = voltage.field(across: model.spacing)
    state.permeabilised = Swift.max(
      state.permeabilised, Tissue.permeabilised(field: nominal, pulses: state.pulses))
    let conductance = model.conductance
    let settled = conductance.settled(at: voltage)
    let perVolt =
      (conductance.unporated + (settled - conductance.unporated) * state.permeabilised)
      * (1 + settings.temperatureCoefficient * state.heating.value)
    let ideal = voltage.value * perVolt
    let noisy = ideal * settings.calibration * (1 + settings.noise * random.gaussian())
    state.heating = state.heating + settings.heatingPerPulse * (voltage.value / 2250) * (voltage.value / 2250)
    state.lastPulse = instant
    pairs[key] = state
    return Amperes(max(0, noisy))
  }

  /// Pulses the tissue between `a` and `b` has received.
  public func pulses(between a: Int, _ b: Int) -> Int { pairs[PairKey(a, b)]?.pulses ?? 0 }
}

/// The conductances solved so far in this process, by layout, ramp and grid: a simulation of the
/// same protocol on the same board (the explorer runs thousands) solves nothing again.
enum ConductanceCache {
  struct Key: Hashable {
    var needles: [Needle]
    var pairs: [NeedlePair]
    var ramp: ConductivityRamp
    var resolution: Double
  }
  /// At most this many layouts are kept; the oldest is dropped beyond.
  static let capacity = 32
  private static let store = Mutex<(entries: [Key: [PairConductance]], order: [Key])>(([:], []))

  static func key(_ layout: ProbeLayout, _ ramp: ConductivityRamp, _ options: PlanningOptions) -> Key {
    Key(needles: layout.needles, pairs: layout.pairs, ramp: ramp, resolution: options.resolution.value)
  }

  /// The conductances of this layout if they were solved before, without solving.
  static func known(layout: ProbeLayout, ramp: ConductivityRamp, options: PlanningOptions)
    -> [PairConductance]?
  {
    let key = key(layout, ramp, options)
    return store.withLock { $0.entries[key] }
  }

  static func conductances(layout: ProbeLayout, ramp: ConductivityRamp, options: PlanningOptions)
    -> [PairConductance]
  {
    let key = key(layout, ramp, options)
    if let known = store.withLock({ $0.entries[key] }) { return known }
    let solved = (try? TreatmentPlanner.conductances(layout: layout, ramp: ramp, options: options)) ?? []
    store.withLock { cache in
      if cache.entries[key] == nil {
        cache.order.append(key)
        if cache.order.count > capacity { cache.entries[cache.order.removeFirst()] = nil }
      }
      cache.entries[key] = solved
    }
    return solved
  }
}

/// A solve running on another thread; `wait` returns its conductances once it is done.
final class PendingSolve: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  /// Written once by the solving thread before it signals `done`, read only after waiting on it.
  private var result: [PairConductance] = []

  init(layout: ProbeLayout, ramp: ConductivityRamp, options: PlanningOptions) {
    DispatchQueue.global(qos: .userInitiated).async {
      self.result = ConductanceCache.conductances(layout: layout, ramp: ramp, options: options)
      self.done.signal()
    }
  }

  func wait() -> [PairConductance] {
    done.wait()
    done.signal()  // for the next caller
    return result
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
