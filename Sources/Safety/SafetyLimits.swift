import Units

/// The thresholds the machine judges against, from the protocol and the board file.
public struct SafetyLimits: Equatable, Sendable, Hashable {
  public var maxCurrent: Amperes
  public var maxCurrentJump: Amperes
  public var minCurrent: Amperes
  /// `nil` when the protocol has no test pulses.
  public var testCurrent: ClosedRange<Amperes>?
  /// Fraction of the set-point the bank may be off before a pulse.
  public var bankVoltageTolerance: Double
  /// Beats that may be held in a row for a wrong bank voltage; one more is a fault.
  public var bankHoldBeats: Int
  /// A pulse whose peak voltage is below this fraction of the set-point collapsed.
  public var voltageCollapseFraction: Double
  public var footswitchDisagree: Nanoseconds
  public var temperaturePause: Celsius
  /// A temperature pause ends once the heat-sink is below this (below the pause threshold, so
  /// that delivery does not flicker on and off at it).
  public var temperatureResume: Celsius
  public var temperatureFault: Celsius
  /// Fire edges closer than this exceed the board's maximum pulse rate.
  public var minFireInterval: Nanoseconds

  public init(
    maxCurrent: Amperes, maxCurrentJump: Amperes, minCurrent: Amperes, testCurrent: ClosedRange<Amperes>?,
    bankVoltageTolerance: Double, bankHoldBeats: Int, voltageCollapseFraction: Double,
    footswitchDisagree: Nanoseconds, temperaturePause: Celsius, temperatureResume: Celsius,
    temperatureFault: Celsius, minFireInterval: Nanoseconds = .zero
  ) {
    self.maxCurrent = maxCurrent
    self.maxCurrentJump = maxCurrentJump
    self.minCurrent = minCurrent
    self.testCurrent = testCurrent
    self.bankVoltageTolerance = bankVoltageTolerance
    self.bankHoldBeats = bankHoldBeats
    self.voltageCollapseFraction = voltageCollapseFraction
    self.footswitchDisagree = footswitchDisagree
    self.temperaturePause = temperaturePause
    self.temperatureResume = temperatureResume
    self.temperatureFault = temperatureFault
    self.minFireInterval = minFireInterval
  }

}
