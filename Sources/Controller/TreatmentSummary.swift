import Foundation
import Protocol
import Safety
import Sequencer
import Units

/// The summary of a treatment, as `--summary-json` writes it and the final table prints it.
/// Built from the treatment's events, so it says what happened, not what was planned.
public struct TreatmentSummary: Codable, Equatable, Sendable {
  public struct FaultInfo: Codable, Equatable, Sendable {
    public var interlock: String
    public var reason: String
    public var atMs: Double
    public var pulseIndex: Int
    /// The operator cleared the cause, acknowledged, and delivery went on.
    public var recovered: Bool?
    public init(interlock: String, reason: String, atMs: Double, pulseIndex: Int, recovered: Bool? = nil) {
      self.interlock = interlock
      self.reason = reason
      self.atMs = atMs
      self.pulseIndex = pulseIndex
      self.recovered = recovered
    }
    enum CodingKeys: String, CodingKey {
      case interlock, reason, recovered
      case atMs = "at_ms"
      case pulseIndex = "pulse_index"
    }
  }

  public struct Pair: Codable, Equatable, Sendable {
    public var anode: Int
    public var cathode: Int
    public var voltageV: Double
    public var testDelivered: Int
    public var therapyDelivered: Int
    public var skippedBeats: Int
    enum CodingKeys: String, CodingKey {
      case anode, cathode
      case voltageV = "voltage_v"
      case testDelivered = "test_delivered"
      case therapyDelivered = "therapy_delivered"
      case skippedBeats = "skipped_beats"
    }
  }

  public struct Pulse: Codable, Equatable, Sendable {
    public var index: Int
    public var pair: Int
    public var kind: String
    public var triggerMs: Double?
    public var firedMs: Double
    /// `null` (with `measured` false) for a pulse whose edge went out but that the supervisor
    /// did not count or that could not be read back.
    public var currentA: Double?
    public var voltageV: Double?
    public var polarity: String
    public var measured: Bool
    enum CodingKeys: String, CodingKey {
      case index, pair, kind, polarity, measured
      case triggerMs = "trigger_ms"
      case firedMs = "fired_ms"
      case currentA = "current_a"
      case voltageV = "voltage_v"
    }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(index, forKey: .index)
      try c.encode(pair, forKey: .pair)
      try c.encode(kind, forKey: .kind)
      try c.encode(triggerMs, forKey: .triggerMs)  // null in fixed-rate mode, never omitted
      try c.encode(firedMs, forKey: .firedMs)
      try c.encode(currentA, forKey: .currentA)  // null when not measured, never omitted
      try c.encode(voltageV, forKey: .voltageV)
      try c.encode(polarity, forKey: .polarity)
      try c.encode(measured, forKey: .measured)
    }
  }

  public struct Skip: Codable, Equatable, Sendable {
    public var pair: Int
    public var reason: String
    public var atMs: Double
    enum CodingKeys: String, CodingKey {
      case pair, reason
      case atMs = "at_ms"
    }
  }

  public var backend: String
  public var `protocol`: String
  public var outcome: String
  public var fault: FaultInfo?
  public var abortReason: String?
  /// Every latched fault of the session, recovered or not.
  public var faults: [FaultInfo]
  /// The line or bus error behind a sensor fault, in the backend's words.
  public var hardwareError: String?
  /// The bank voltage once the outputs were safe at the end (`null` if it could not be read).
  public var finalBankV: Double?
  public var seed: UInt64?
  public var pairs: [Pair]
  public var pulses: [Pulse]
  public var skipped: [Skip]
  public var durationMs: Double
  /// On the simulator only: the pulses the simulated board delivered in answer to a fire edge
  /// (counted as `pulses` is), and those it delivered on its own (the `extra-pulse` fault).
  /// Absent on hardware, where the board's own count is the supervisor's, already judged.
  public var boardCount: Int?
  public var boardSpontaneous: Int?

  enum CodingKeys: String, CodingKey {
    case backend, `protocol`, outcome, fault, faults, seed, pairs, pulses, skipped
    case abortReason = "abort_reason"
    case hardwareError = "hardware_error"
    case finalBankV = "final_bank_v"
    case durationMs = "duration_ms"
    case boardCount = "board_count"
    case boardSpontaneous = "board_spontaneous"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(backend, forKey: .backend)
    try c.encode(`protocol`, forKey: .protocol)
    try c.encode(outcome, forKey: .outcome)
    try c.encode(fault, forKey: .fault)  // null when none, never omitted
    try c.encode(abortReason, forKey: .abortReason)
    try c.encode(faults, forKey: .faults)
    try c.encode(hardwareError, forKey: .hardwareError)
    try c.encode(finalBankV, forKey: .finalBankV)
    try c.encodeIfPresent(seed, forKey: .seed)
    try c.encode(pairs, forKey: .pairs)
    try c.encode(pulses, forKey: .pulses)
    try c.encode(skipped, forKey: .skipped)
    try c.encode(durationMs, forKey: .durationMs)
    try c.encodeIfPresent(boardCount, forKey: .boardCount)
    try c.encodeIfPresent(boardSpontaneous, forKey: .boardSpontaneous)
  }

  /// The JSON text, keys sorted so that two identical runs give identical bytes.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    return try encoder.encode(self)
  }
}
