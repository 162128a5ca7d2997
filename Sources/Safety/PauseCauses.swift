/// Why delivery is paused: every cause that stands, at once. Delivery goes on only when all of
/// them are gone, each ending its own way (docs/safety.md):
/// - the operator's pause and a lost trigger end only by the operator's resume at the terminal;
/// - a released footswitch ends when it is pressed again (that press is the operator's act);
/// - a hot heat-sink ends when it has cooled below its resume threshold.
///
/// A set rather than one cause, so that a pause asked for while delivery is already paused for
/// another reason is never lost: the footswitch pressed again must not end the operator's pause.
public struct PauseCauses: OptionSet, Sendable, Hashable {
  public var rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let operatorPause = PauseCauses(rawValue: 1 << 0)
  public static let ecgTrigger = PauseCauses(rawValue: 1 << 1)
  public static let footswitchReleased = PauseCauses(rawValue: 1 << 2)
  public static let overTemperature = PauseCauses(rawValue: 1 << 3)

  /// The causes that only the operator's resume ends.
  public static let endedByResume: PauseCauses = [.operatorPause, .ecgTrigger]
  /// The causes that the inputs bring and take away.
  public static let endedByInputs: PauseCauses = [.footswitchReleased, .overTemperature]

  /// Every cause, in the order displays and records name them.
  static let all: [(PauseCauses, Interlock)] = [
    (.operatorPause, .operatorPause), (.ecgTrigger, .ecgTrigger), (.footswitchReleased, .footswitchReleased),
    (.overTemperature, .overTemperature),
  ]

  /// The interlocks behind the causes, in a fixed order (allocates: for displays and records).
  public var interlocks: [Interlock] { Self.all.filter { contains($0.0) }.map(\.1) }

  /// The causes as the record and the telemetry write them: interlock names joined by `+`.
  public var names: String { interlocks.map(\.rawValue).joined(separator: "+") }
}
