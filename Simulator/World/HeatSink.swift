import Protocol
import Units

/// The HV switch's heat-sink: warmed a little by every pulse, cooling towards ambient.
public struct HeatSink {
  public let settings: HeatSinkSettings
  private var last: Instant
  private var rise = Celsius(0)
  /// Extra degrees forced by fault injection (a blocked fan).
  public var forced = Celsius(0)

  public init(settings: HeatSinkSettings, start: Instant) {
    self.settings = settings
    self.last = start
  }

  public func temperature(at instant: Instant) -> Celsius {
    let decay = exp(-(instant - last).milliseconds / Double(settings.timeConstant.value))
    return settings.ambient + rise * decay + forced
  }

  public mutating func pulse(count: Int, at instant: Instant) {
    rise = temperature(at: instant) - settings.ambient - forced + settings.risePerPulse * Double(count)
    last = instant
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
