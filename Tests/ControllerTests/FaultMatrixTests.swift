import Controller
import Foundation
import Record
import Safety
import Simulator
import Testing
import Units

/// Every kind of fault, injected in every phase of a treatment: the outputs are safe within
/// the interlock's deadline, the run ends as documented (docs/safety.md), the interlock is named
/// in the summary and the record, and nothing is delivered after the fault.
@Suite("Fault-injection matrix")
struct FaultMatrixTests {
  enum Phase: String, CaseIterable {
    case beforeArming, charging, testPulses, therapy, betweenPairs, relayChange
  }

  /// When each phase happens in the baseline treatment (liver protocol, seed 1), read from its
  /// record so that the faults land where they are meant to.
  static let baseline: (charging: Instant, relayChange: Instant) = {
    let path = Paths.temporary("matrix-baseline.sqlite")
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = try? SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("liver-4probe-box"), boardPath: Paths.simBoard, seed: 1,
        recordPath: path, showProgress: false))
    let record = try? TreatmentRecord(path: path)
    let session = (try? record?.sessions().first?.session) ?? nil
    let rows = session.flatMap { try? record?.rows(of: $0) } ?? []
    func ms(_ values: [String: RecordValue], _ key: String) -> Double {
      if case .real(let value)? = values[key] { return value }
      return 0
    }
    let charging =
      rows.first { $0.table == "state_changes" && $0.values["state"] == .text("charging") }
      .map { ms($0.values, "at_ms") } ?? 0
    let pulse19 =
      rows.first { $0.table == "pulses" && $0.values["pulse_index"] == .integer(19) }
      .map { ms($0.values, "fired_ms") } ?? 0
    let switching =
      rows.first {
        $0.table == "state_changes" && $0.values["state"] == .text("switching")
          && ms($0.values, "at_ms") > pulse19
      }.map { ms($0.values, "at_ms") } ?? 0
    return (
      Instant(sinceOrigin: .seconds((charging + 50) / 1000)),
      Instant(sinceOrigin: .seconds((switching + 5) / 1000))
    )
  }()

  static func when(_ phase: Phase) -> FaultSpec.When {
    switch phase {
    case .beforeArming: .pulse(0)
    case .charging: .time(baseline.charging)
    case .testPulses: .pulse(3)
    case .therapy: .pulse(55)
    case .betweenPairs: .pulse(100)
    case .relayChange: .time(baseline.relayChange)
    }
  }

  /// What the documentation promises for each kind.
  enum Expected {
    /// A latched fault naming one of these interlocks.
    case faulted(Set<String>)
    /// The pair is stopped for the operator, who (scripted) ends the treatment.
    case pairStopped(Set<String>)
    /// Delivery pauses; the cause does not go away, so the scripted operator ends the
    /// treatment after the pause limit.
    case paused(String)
    /// Beats are skipped (with these reasons) and the treatment goes on.
    case skipsBeats
    /// Nothing to catch in this phase (docs/safety.md says why).
    case harmless
  }

  static func expected(_ kind: FaultSpec.Kind, in phase: Phase) -> Expected {
    switch kind {
    case .estop: .faulted(["estop"])
    case .footswitchRelease: .paused("footswitch_released")
    case .footswitchDisagree: .faulted(["footswitch_disagree"])
    case .lidOpen: .faulted(["lid"])
    case .arc: .faulted(["hardware_fault"])
    case .overcurrent: .faulted(["over_current"])
    case .openCircuit: .pairStopped(["low_current", "test_pulse_current"])
    case .relayStuck: .faulted(["relay_readback"])
    case .extraPulse: phase == .beforeArming ? .harmless : .faulted(["pulse_counter"])
    case .missedPulse: .faulted(["pulse_counter"])
    case .hvSag: .faulted(["bank_voltage", "charger"])
    case .overtemp: .faulted(["over_temperature"])
    case .hwFault: .faulted(["hardware_fault"])
    case .i2cNak, .sensorStuck, .busStuck: .faulted(["sensor"])
    case .triggerDouble, .asystole, .ectopic: .skipsBeats
    case .stall: phase == .beforeArming ? .harmless : .faulted(["timing"])
    }
  }

  static func spec(_ kind: FaultSpec.Kind, _ phase: Phase, address: UInt8 = 0x48) -> FaultSpec {
    switch kind {
    case .i2cNak, .sensorStuck, .busStuck: FaultSpec(kind: kind, when: when(phase), address: address)
    case .asystole: FaultSpec(kind: kind, when: when(phase), duration: .seconds(6))
    case .stall: FaultSpec(kind: kind, when: when(phase), duration: .milliseconds(80))
    default: FaultSpec(kind: kind, when: when(phase))
    }
  }

  static let cases: [(FaultSpec.Kind, Phase)] = FaultSpec.Kind.allCases.flatMap { kind in
    Phase.allCases.map { (kind, $0) }
  }

  /// Faults that exist only in what a pulse does: the pulse that shows them is the cause.
  static let revealedByPulse: Set<FaultSpec.Kind> = [.arc, .overcurrent, .openCircuit, .missedPulse]

  /// The outputs were safe within the interlock's deadline.
  func expectSafeInTime(
    _ board: SimulatedBoard, _ spec: FaultSpec, _ interlock: Interlock, _ activated: Instant,
    _ sourceLocation: SourceLocation
  ) {
    let cause =
      Self.revealedByPulse.contains(spec.kind)
      ? board.fireEdges.first { $0 >= activated } ?? activated : activated
    guard let safe = board.chargerSafe(from: cause) else {
      Issue.record("\(spec): outputs never safe", sourceLocation: sourceLocation)
      return
    }
    switch interlock.deadline {
    case .within(let span), .afterThePulse(let span):
      #expect(
        safe - cause <= span, "\(spec): safe after \(safe - cause), deadline \(span)",
        sourceLocation: sourceLocation)
    case .beforeNextPulse:
      #expect(
        board.fireEdges.allSatisfy { $0 <= cause || $0 >= safe } && !board.fireEdges.contains { $0 > cause },
        "\(spec): a pulse fired before the outputs went safe", sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: cases)
  func faultInPhaseEndsSafe(kind: FaultSpec.Kind, phase: Phase) throws {
    try check(Self.spec(kind, phase), phase: phase)
  }

  @Test(arguments: [UInt8(0x30), 0x49, 0x20, 0x21])
  func everyChipThatStopsOrFreezesIsCaught(address: UInt8) throws {
    try check(Self.spec(.i2cNak, .therapy, address: address), phase: .therapy)
    try check(Self.spec(.sensorStuck, .therapy, address: address), phase: .therapy)
    try check(Self.spec(.busStuck, .therapy, address: address), phase: .therapy)
  }

  func check(_ spec: FaultSpec, phase: Phase, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = Paths.temporary("matrix-\(spec.kind.rawValue)-\(phase.rawValue)-\(spec.address ?? 0).sqlite")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.protocolFile("liver-4probe-box"), boardPath: Paths.simBoard, seed: 1,
        faults: [spec],
        pauseLimit: .seconds(10), recordPath: path, showProgress: false))
    let board = result.board
    let activated = try #require(
      board.activatedFaults.first?.at, "\(spec) never took effect", sourceLocation: sourceLocation)
    let stored = try TreatmentRecord(path: path)
    let rows = try stored.rows(of: try #require(try stored.sessions().first?.session)).filter {
      $0.table == "interlock_events" || $0.table == "state_changes"
    }
    let recorded = Set(
      rows.compactMap { row -> String? in
        if case .text(let name)? = row.values["interlock"] ?? row.values["cause"] { return name }
        return nil
      })
    let summary = result.summary
    #expect(board.chargerSafe(at: board.clock.now), "outputs safe at the end", sourceLocation: sourceLocation)
    // What the board delivered lies within the record's bounds, and when every pulse could be
    // measured the summary lists exactly what the board delivered.
    let ended = try #require(try stored.sessions().first, sourceLocation: sourceLocation)
    let low = try #require(ended.deliveredMin, sourceLocation: sourceLocation)
    let high = try #require(ended.deliveredMax, sourceLocation: sourceLocation)
    let count = try #require(summary.boardCount, sourceLocation: sourceLocation)
    #expect(
      low <= count && count <= high, "\(spec): board \(count), record \(low)...\(high)",
      sourceLocation: sourceLocation)
    if summary.pulses.allSatisfy(\.measured) {
      #expect(
        summary.pulses.count == count, "\(spec): summary \(summary.pulses.count), board \(count)",
        sourceLocation: sourceLocation)
    }
    // A pulse the board gave on its own is counted apart, and only the extra-pulse fault gives one.
    #expect(
      summary.boardSpontaneous == (spec.kind == .extraPulse ? 1 : 0),
      "\(spec): board_spontaneous \(summary.boardSpontaneous.map(String.init) ?? "absent")",
      sourceLocation: sourceLocation)
    let bank = board.charger.voltage(at: board.clock.now)
    #expect(bank < Volts(50), "\(spec): bank at \(bank) at the end", sourceLocation: sourceLocation)

    switch Self.expected(spec.kind, in: phase) {
    case .paused(let name):
      let interlock = try #require(Interlock(rawValue: name))
      #expect(summary.outcome == "aborted", "\(spec): \(summary.outcome)", sourceLocation: sourceLocation)
      #expect(
        summary.abortReason?.contains(interlock.reason) == true, "\(spec)", sourceLocation: sourceLocation)
      #expect(recorded.contains(name), "\(spec): in the record", sourceLocation: sourceLocation)
      expectSafeInTime(board, spec, interlock, activated, sourceLocation)
      #expect(board.fireEdges.allSatisfy { $0 < activated }, "\(spec)", sourceLocation: sourceLocation)
    case .faulted(let interlocks), .pairStopped(let interlocks):
      let named = summary.faults.map(\.interlock)
      #expect(
        named.contains(where: interlocks.contains), "\(spec): faults \(named), outcome \(summary.outcome)",
        sourceLocation: sourceLocation)
      let interlock = try #require(
        Interlock.allCases.first { interlocks.contains($0.rawValue) && named.contains($0.rawValue) },
        sourceLocation: sourceLocation)
      #expect(recorded.contains(interlock.rawValue), "\(spec): in the record", sourceLocation: sourceLocation)
      if case .faulted = Self.expected(spec.kind, in: phase) {
        #expect(summary.outcome == "faulted", "\(spec)", sourceLocation: sourceLocation)
      } else {
        #expect(summary.outcome == "aborted", "\(spec)", sourceLocation: sourceLocation)
      }
      expectSafeInTime(board, spec, interlock, activated, sourceLocation)
      // Nothing delivered after the fault; a fault that shows only in a pulse's own
      // measurement lets that one pulse out, and none after it.
      let after = board.fireEdges.filter { $0 > activated }.count
      #expect(
        after <= (Self.revealedByPulse.contains(spec.kind) ? 1 : 0), "\(spec): \(after) fire edges after it",
        sourceLocation: sourceLocation)
    case .skipsBeats:
      #expect(summary.outcome == "completed", "\(spec): \(summary.outcome)", sourceLocation: sourceLocation)
      for pulse in summary.pulses {
        let delay = pulse.firedMs - (pulse.triggerMs ?? -1e9)
        #expect(
          delay >= 50 && delay <= 60, "\(spec): pulse \(pulse.index) at \(delay) ms",
          sourceLocation: sourceLocation)
      }
      let reasons = Set(
        summary.skipped.filter { $0.atMs >= activated.sinceOrigin.milliseconds }.map(\.reason))
      let wanted: Set<String> =
        switch spec.kind {
        case .triggerDouble: ["double_trigger"]
        case .asystole: ["missed_beat"]
        // While the first intervals teach the rhythm, every beat is skipped as no_reference.
        default: ["ectopic", "no_reference"]
        }
      #expect(
        !reasons.isDisjoint(with: wanted), "\(spec): skipped \(reasons)", sourceLocation: sourceLocation)
    case .harmless:
      #expect(summary.outcome == "completed", "\(spec): \(summary.outcome)", sourceLocation: sourceLocation)
    }
  }
}
