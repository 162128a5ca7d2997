import HAL
import LinuxBackend
import Protocol
import Units

/// The I2C backend and the chip drivers against i2c-stub. Registers are preloaded with
/// i2cset (another program, another code path) and read through the drivers; what the drivers
/// write is read back with i2cget. i2c-stub keeps SMBus words as the wire carries them (first
/// byte low), and the chips send their most significant byte first: a driver that forgets to
/// swap reads 0x5A1E for the supervisor's 0x1E5A.
struct I2CChecks {
  let board: BoardDescription
  let runner: CheckRunner
  typealias R = CheckRunner

  /// `i2cset -y BUS ADDRESS REGISTER VALUE [w]`.
  func preload(_ address: UInt8, _ register: UInt8, word: UInt16) throws {
    _ = try R.run(
      "/usr/sbin/i2cset", ["-y", "\(board.i2c.bus)", hex(address), hex(register), hex(word), "w"])
  }

  func wire(_ address: UInt8, _ register: UInt8, word: Bool) throws -> String {
    try R.run(
      "/usr/sbin/i2cget", ["-y", "\(board.i2c.bus)", hex(address), hex(register)] + (word ? ["w"] : []))
  }

  func run() {
    let i2c = board.i2c
    var opened: LinuxSMBus?
    runner.check("the board's bus opens") { opened = try LinuxSMBus(bus: i2c.bus) }
    guard let bus = opened else { return }
    let supervisor = Supervisor(bus: bus, address: i2c.supervisor)
    let thermometer = TMP117(bus: bus, address: i2c.temperature)
    let adc = ADS1115(bus: bus, address: i2c.adc, clock: SystemClock())

    runner.check("supervisor id through the driver, most significant byte first") {
      try preload(i2c.supervisor, 0x00, word: 0x5A1E)  // on the wire: 0x1E, then 0x5A
      let identity = try supervisor.identity()
      try R.expect(identity == 0x1E5A, "read \(hex(identity))")
      try supervisor.verifyIdentity()
    }
    runner.check("TMP117 id and temperature through the driver") {
      try preload(i2c.temperature, 0x0F, word: 0x1701)
      try preload(i2c.temperature, 0x00, word: 0x800C)  // 0x0C80 = 3200 × 7.8125 m°C = 25 °C
      let identity = try thermometer.identity()
      try R.expect(identity == 0x0117, "id \(hex(identity))")
      let celsius = try thermometer.temperature().value
      try R.expect(celsius == 25, "temperature \(celsius) °C")
    }
    runner.check("ADS1115 single-shot conversion through the driver") {
      try preload(i2c.adc, 0x00, word: 0x8020)  // 0x2080 = 8320 × 125 µV = 1.04 V
      let volts = try adc.readSingleEnded(.ain0).value
      try R.expect(abs(volts - 1.04) < 1e-9, "AIN0 \(volts) V")
      let config = try wire(i2c.adc, 0x01, word: true)
      try R.expect(config.hasPrefix("0xe3c") || config.hasPrefix("0xe7c"), "Config on the wire \(config)")
    }
    runner.check("a driver's word write goes out most significant byte first") {
      try supervisor.setSetpoint(Volts(1234))  // 0x04D2: 0x04 on the wire first
      let raw = try wire(i2c.supervisor, 0x09, word: true)
      try R.expect(raw == "0xd204", "i2cget reads \(raw)")
      let setpoint = try supervisor.setpoint()
      try R.expect(setpoint.value == 1234, "driver reads back \(setpoint)")
    }
    runner.check("relay expanders: direction registers set and read back") {
      let matrix = ElectrodeMatrix(
        plus: MCP23017(bus: bus, address: i2c.relaysPlus), minus: MCP23017(bus: bus, address: i2c.relaysMinus)
      )
      try matrix.configure()
      for address in [i2c.relaysPlus, i2c.relaysMinus] {
        let directionA = try wire(address, 0x00, word: false)
        let directionB = try wire(address, 0x01, word: false)
        try R.expect(directionA == "0xc0", "IODIRA of \(hex(address)) reads \(directionA)")
        try R.expect(directionB == "0xff", "IODIRB of \(hex(address)) reads \(directionB)")
      }
    }
    runner.check("no device: no acknowledge, errno, bounded retries") {
      do {
        _ = try bus.readWord(address: 0x50, register: 0)
        throw CheckRunner.Failure(description: "an absent device answered")
      } catch HALError.busError(let address, _, let errno, let detail) {
        try R.expect(address == 0x50 && errno != 0, "address \(hex(address)) errno \(errno)")
        try R.expect(
          detail.contains("no acknowledge") && detail.contains("after \(bus.attempts) attempts"), detail)
      }
    }
    runner.check("a bus that does not exist: a clear error") {
      do {
        _ = try LinuxSMBus(bus: 99)
        throw CheckRunner.Failure(description: "/dev/i2c-99 opened")
      } catch let error as HALError {
        try R.expect(
          error.description.contains("/dev/i2c-99") && error.description.contains("ENOENT"), "\(error)")
      }
    }
  }
}
