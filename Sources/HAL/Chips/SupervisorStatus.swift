/// The pulse-board supervisor's status register (register 0x05, STATUS, BOARD.md).
///
/// Bit 0 follows the charger's `hv_ready`; bits 1–3 are latched by the supervisor and stay set
/// until 0xA5A5 is written to the latch-clear register (0x06).
public struct SupervisorStatus: OptionSet, Sendable, Hashable, CustomStringConvertible {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// STATUS bit 0: the charger reports the bank at its set-point.
  public static let hvReady = SupervisorStatus(rawValue: 1 << 0)
  /// STATUS bit 1: the over-current comparator tripped (latched).
  public static let overCurrentLatched = SupervisorStatus(rawValue: 1 << 1)
  /// STATUS bit 2: the arc detector tripped (latched).
  public static let arcLatched = SupervisorStatus(rawValue: 1 << 2)
  /// STATUS bit 3: a width, train-length or train-period write was refused (latched).
  public static let widthError = SupervisorStatus(rawValue: 1 << 3)

  /// The bits STATUS defines; the others read 0.
  public static let defined: UInt16 = 0x000F

  /// The bits the supervisor latches (cleared only by a write of 0xA5A5 to register 0x06).
  public static let latches: SupervisorStatus = [.overCurrentLatched, .arcLatched, .widthError]

  public var description: String {
    var names: [String] = []
    if contains(.hvReady) { names.append("hv_ready") }
    if contains(.overCurrentLatched) { names.append("over-current") }
    if contains(.arcLatched) { names.append("arc") }
    if contains(.widthError) { names.append("width error") }
    let unknown = rawValue & ~SupervisorStatus.defined
    if unknown != 0 { names.append("unknown bits \(hex(unknown))") }
    return "[" + names.joined(separator: ", ") + "]"
  }
}
