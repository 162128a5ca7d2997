import Units

/// A snapshot of every input an interlock watches, read together and stamped with the time of
/// the read. The machine judges only snapshots; it never reads anything itself.
public struct InterlockInputs: Equatable, Sendable, Hashable {
  public var at: Instant
  public var estopOK: Bool
  public var footswitchA: Bool
  public var footswitchB: Bool
  public var lidClosed: Bool
  /// The pulse board's `hw_fault` line (logical: `true` = fault present).
  public var hardwareFault: Bool
  public var heatSink: Celsius

  public init(
    at: Instant, estopOK: Bool, footswitchA: Bool, footswitchB: Bool, lidClosed: Bool,
    hardwareFault: Bool, heatSink: Celsius
  ) {
    self.at = at
    self.estopOK = estopOK
    self.footswitchA = footswitchA
    self.footswitchB = footswitchB
    self.lidClosed = lidClosed
    self.hardwareFault = hardwareFault
    self.heatSink = heatSink
  }

  /// Both channels of the dead-man switch pressed.
  public var footswitchPressed: Bool { footswitchA && footswitchB }
  public var footswitchAgree: Bool { footswitchA == footswitchB }
}
