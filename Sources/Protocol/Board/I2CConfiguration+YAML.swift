extension I2CConfiguration {
  /// 7-bit addresses a device may use (0x00..0x02 and 0x78..0x7F are reserved by I2C).
  static let addressRange: ClosedRange<Int> = 0x03...0x77
  static let deviceKeys = ["supervisor", "adc", "temperature", "relays_plus", "relays_minus"]

  /// Reads `i2c:`: the bus number and the five device addresses, all distinct.
  static func read(_ value: YAMLValue) -> I2CConfiguration? {
    guard let i2c = value.mapping(keys: ["bus"] + deviceKeys) else { return nil }
    let bus = i2c.required("bus")?.integer(atLeast: 0)
    var addresses: [String: UInt8] = [:]
    var seen: [(address: UInt8, key: String)] = []
    for key in deviceKeys {
      guard let child = i2c.required(key), let address = Self.address(child) else { continue }
      if let other = seen.first(where: { $0.address == address }) {
        child.report("the same address as i2c.\(other.key)", found: child.written)
        continue
      }
      seen.append((address, key))
      addresses[key] = address
    }
    guard let bus, let supervisor = addresses["supervisor"], let adc = addresses["adc"],
      let temperature = addresses["temperature"], let plus = addresses["relays_plus"],
      let minus = addresses["relays_minus"]
    else { return nil }
    return I2CConfiguration(
      bus: bus, supervisor: supervisor, adc: adc, temperature: temperature, relaysPlus: plus,
      relaysMinus: minus)
  }

  private static func address(_ value: YAMLValue) -> UInt8? {
    guard let number = value.integer else { return nil }
    guard addressRange.contains(number) else {
      value.report("not a usable 7-bit I2C address", allowed: "0x03..0x77", found: value.written)
      return nil
    }
    return UInt8(number)
  }
}
