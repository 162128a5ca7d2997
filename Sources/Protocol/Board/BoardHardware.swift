/// The hardware sections of a board file, which a board file with `base:` takes from its base.
struct BoardHardware {
  var gpio: GPIOConfiguration
  var i2c: I2CConfiguration
  var limits: BoardLimits
  var interlocks: InterlockSettings
  var timing: TimingSettings

  /// Reads the five sections of a board file without a base; each is required.
  static func read(_ top: YAMLMapping) -> BoardHardware? {
    let gpio = top.required("gpio").flatMap(GPIOConfiguration.read)
    let i2c = top.required("i2c").flatMap(I2CConfiguration.read)
    let limits = top.required("limits").flatMap(BoardLimits.read)
    let interlocks = top.required("interlocks").flatMap {
      InterlockSettings.read($0, maxVoltage: limits?.maxVoltage)
    }
    let timing = top.required("timing").flatMap {
      TimingSettings.read($0, maxPulseRate: limits?.maxPulseRate)
    }
    guard let gpio, let i2c, let limits, let interlocks, let timing else { return nil }
    return BoardHardware(gpio: gpio, i2c: i2c, limits: limits, interlocks: interlocks, timing: timing)
  }
}
