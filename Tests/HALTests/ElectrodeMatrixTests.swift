import HAL
import Simulator
import Testing
import Units

/// Relays whose auxiliary contacts follow their coils (or, when `stuck` is set, do not).
final class RelayBank {
  let name: String
  var coils: UInt8 = 0
  var stuck: UInt8?
  let events: EventLog

  init(name: String, events: EventLog) {
    self.name = name
    self.events = events
  }

  var contacts: UInt8 { stuck ?? coils }

  func model() -> MCP23017Model {
    MCP23017Model(
      inputsB: { [unowned self] in self.contacts },
      onOutputs: { [unowned self] in
        self.coils = $0
        self.events.entries.append("\(self.name)\(hex($0))")
      })
  }
}

final class EventLog {
  var entries: [String] = []
}

@Suite struct ElectrodeMatrixTests {
  let bench = Bench()
  let events = EventLog()
  let plus: RelayBank
  let minus: RelayBank
  let matrix: ElectrodeMatrix

  init() throws {
    plus = RelayBank(name: "+", events: events)
    minus = RelayBank(name: "-", events: events)
    bench.bus.attach(plus.model(), at: 0x20)
    bench.bus.attach(minus.model(), at: 0x21)
    matrix = ElectrodeMatrix(
      plus: MCP23017(bus: bench.bus, address: 0x20), minus: MCP23017(bus: bench.bus, address: 0x21))
    try matrix.configure()
    events.entries.removeAll()
  }

  @Test func masks() throws {
    let setting = try #require(MatrixSetting(positive: 1, negative: 6))
    #expect(setting.plusMask == 0x01)
    #expect(setting.minusMask == 0x20)
    #expect(MatrixSetting.open.plusMask == 0)
    #expect(MatrixSetting.open.minusMask == 0)
    #expect(MatrixSetting(positive: 4, negative: 2)?.plusMask == 0x08)
  }

  @Test(arguments: [(3, 3), (0, 1), (1, 7), (-1, 2), (6, 6)])
  func impossibleSettingsCannotBeExpressed(positive: Int, negative: Int) {
    #expect(MatrixSetting(positive: positive, negative: negative) == nil)
  }

  @Test func applyAndVerify() throws {
    let setting = try #require(MatrixSetting(positive: 1, negative: 2))
    try matrix.apply(setting)
    #expect(try matrix.commanded() == (plus: 0x01, minus: 0x02))
    #expect(try matrix.readBack() == (plus: 0x01, minus: 0x02))
    #expect(try matrix.verify(setting))
    #expect(try !matrix.verify(.open))
  }

  @Test func changingPairsOpensEverythingFirst() throws {
    try matrix.apply(try #require(MatrixSetting(positive: 1, negative: 2)))
    try matrix.apply(try #require(MatrixSetting(positive: 3, negative: 4)))
    #expect(events.entries == ["+0x01", "-0x02", "+0x00", "-0x00", "+0x04", "-0x08"])
    try matrix.apply(.open)
    #expect(try matrix.verify(.open))
  }

  @Test func reversingPolarityOpensEverythingFirst() throws {
    try matrix.apply(try #require(MatrixSetting(positive: 1, negative: 2)))
    events.entries.removeAll()
    try matrix.apply(try #require(MatrixSetting(positive: 2, negative: 1)))
    #expect(events.entries == ["+0x00", "-0x00", "+0x02", "-0x01"])
  }

  @Test func weldedRelayIsDetected() throws {
    try matrix.apply(try #require(MatrixSetting(positive: 1, negative: 2)))
    plus.stuck = 0x01
    try matrix.apply(.open)
    #expect(try matrix.commanded() == (plus: 0, minus: 0))
    #expect(try !matrix.verify(.open))
  }

  @Test func probeSeenOnBothBusesFailsVerification() throws {
    let setting = try #require(MatrixSetting(positive: 3, negative: 4))
    try matrix.apply(setting)
    minus.stuck = 0x0C
    #expect(try !matrix.verify(setting))
  }
}
