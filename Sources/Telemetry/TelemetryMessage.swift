import Foundation

/// One line of the telemetry stream: newline-delimited JSON, one object per line, every object
/// with the format version `v` and its `type`. The controller writes them; `irectl monitor`
/// (or any tool) reads them. Fields not used by a type are absent. docs/console.md lists them.
public struct TelemetryMessage: Codable, Sendable, Equatable {
  /// The format of the stream; a reader refuses a version it does not know.
  public static let currentVersion = 1

  public enum Kind: String, Codable, Sendable {
    /// First line to every client: what is being run, on what.
    case hello
    case state, phase, pulse, skipped, trigger, bank, temperature, readiness
    case fault, recovered, review
    case hardwareError = "hardware_error"
    /// A command from a console, and whether the controller took it.
    case console
    /// A line the controller's operator saw (start, warnings).
    case log
    /// The treatment is over: its outcome.
    case ended
    /// Totals so far (pulses delivered, beats skipped), after every pulse and skipped beat: a
    /// console that connects late starts from them.
    case progress
    /// Every second while the controller runs: a console that stops hearing it says so.
    case heartbeat
    /// The planner's predicted current of each pair (`pairs`, with `planned_current_a`), sent
    /// once the controller has computed it, after the hello: planning never delays the start.
    case plan
  }

  public struct Pair: Codable, Sendable, Equatable {
    public var anode: Int
    public var cathode: Int
    public var voltageV: Double
    /// The planner's predicted current of the pair (its tissue, σ(E) settled): in the `plan`
    /// message, absent from the `hello`.
    public var plannedCurrentA: Double?
    public init(anode: Int, cathode: Int, voltageV: Double, plannedCurrentA: Double? = nil) {
      self.anode = anode
      self.cathode = cathode
      self.voltageV = voltageV
      self.plannedCurrentA = plannedCurrentA
    }
  }

  public var v: Int = TelemetryMessage.currentVersion
  public var type: Kind
  /// Milliseconds since the session started.
  public var tMs: Double?

  // hello
  public var backend: String?
  public var protocolName: String?
  public var board: String?
  public var pairs: [Pair]?
  public var testPulses: Int?
  public var therapyPulses: Int?
  public var setSize: Int?
  public var trainPulses: Int?
  public var sync: String?
  public var rateHz: Double?
  public var interlocks: [String]?

  // state, phase
  public var state: String?
  public var cause: String?
  public var phase: String?
  public var pair: Int?

  // pulse
  public var index: Int?
  public var kind: String?
  public var currentA: Double?
  public var voltageV: Double?
  public var onsetErrorUs: Double?
  public var triggerMs: Double?
  public var supervisorCount: Int?

  // skipped, fault, recovered, review, hardware_error, log
  public var reason: String?
  public var interlock: String?
  public var pulseIndex: Int?
  public var set: Int?
  public var accepted: Bool?
  public var text: String?

  // readiness
  public var failing: [String]?

  // bank, temperature
  public var volts: Double?
  public var celsius: Double?

  // console
  public var command: String?

  // ended
  public var outcome: String?

  // progress
  public var deliveredTotal: Int?
  public var skippedTotal: Int?

  public init(_ type: Kind, at tMs: Double? = nil) {
    self.type = type
    self.tMs = tMs
  }

  private static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  private static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }()

  /// The message as one line of the stream, newline included.
  public func line() -> String {
    guard let data = try? TelemetryMessage.encoder.encode(self) else { return "" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Reads one line of the stream; `nil` for a line that is not a message of this version.
  public static func parse(_ line: Substring) -> TelemetryMessage? {
    guard let message = try? decoder.decode(TelemetryMessage.self, from: Data(line.utf8)),
      message.v == currentVersion
    else { return nil }
    return message
  }
}

/// What a console may send: one JSON object per line, `{"v": 1, "command": "pause"}` or
/// `{"v": 1, "command": "abort", "reason": "..."}`. Only the commands that make things safer
/// exist (SAFETY.md principle 4); anything else is refused, and the refusal is recorded.
public enum ConsoleCommand: Sendable, Equatable {
  case pause
  case abort(reason: String)

  /// The command a line asks for, or why it is refused.
  public static func parse(_ line: Substring) -> Result<ConsoleCommand, ConsoleRefusal> {
    guard let data = line.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return .failure(ConsoleRefusal(command: nil, reason: "not a JSON object")) }
    guard object["v"] as? Int == TelemetryMessage.currentVersion else {
      return .failure(ConsoleRefusal(command: nil, reason: "unknown or missing version (v: 1 expected)"))
    }
    guard let command = object["command"] as? String else {
      return .failure(ConsoleRefusal(command: nil, reason: "no command"))
    }
    switch command {
    case "pause": return .success(.pause)
    case "abort":
      let reason = (object["reason"] as? String).map { clean($0, 200) } ?? "abort from a console"
      return .success(.abort(reason: reason.isEmpty ? "abort from a console" : reason))
    default:
      return .failure(
        ConsoleRefusal(
          command: clean(command, 40),
          reason:
            "a console may only pause or abort; resume, acknowledge and arm stay with the operator's terminal"
        ))
    }
  }
}

/// Text from a console as it may go into the record and onto a terminal: printable
/// characters only (a control character, an escape sequence's ESC, a bidi override becomes
/// `?`), at most `limit` of them.
public func clean(_ text: some StringProtocol, _ limit: Int) -> String {
  String(
    text.prefix(limit).unicodeScalars.map { scalar -> Character in
      let value = scalar.value
      let control =
        value < 0x20 || (0x7F...0x9F).contains(value) || (0x200B...0x200F).contains(value)
        || (0x2028...0x202E).contains(value) || (0x2060...0x206F).contains(value) || value == 0xFEFF
      return control ? "?" : Character(scalar)
    })
}

/// A console command the controller did not take, and why.
public struct ConsoleRefusal: Error, Sendable, Equatable {
  public var command: String?
  public var reason: String
  public init(command: String?, reason: String) {
    self.command = command
    self.reason = reason
  }
}
