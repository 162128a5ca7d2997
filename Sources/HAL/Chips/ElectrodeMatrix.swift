/// The electrode switching matrix (BOARD.md): two MCP23017 expanders, one per bus. On each,
/// port A bits 0–5 (OLATA) drive the relays of probes 1–6 and port B bits 0–5 (GPIOB) read their
/// auxiliary contacts back.
///
/// Relays must be switched only with the bank bled or `hv_enable` low and no pulse in flight;
/// they take up to 10 ms to settle, so the caller waits before ``readBack()`` / ``verify(_:)``.
/// This type does not know the bank's state: the caller enforces those rules.
public final class ElectrodeMatrix {
  public let plus: MCP23017
  public let minus: MCP23017

  public init(plus: MCP23017, minus: MCP23017) {
    self.plus = plus
    self.minus = minus
  }

  /// Configures both expanders' relay ports (OLATA = 0 first, then IODIRA / IODIRB, read back).
  public func configure() throws {
    try plus.configureRelayPorts()
    try minus.configureRelayPorts()
  }

  /// Commands `setting` through both OLATA registers. When the expanders currently command a
  /// pair other than `setting`, every relay is opened first (0 written to both buses) and then
  /// the new masks are written, so that no intermediate state joins an old and a new probe.
  public func apply(_ setting: MatrixSetting) throws {
    let current = try commanded()
    let changing = current.plus != setting.plusMask || current.minus != setting.minusMask
    if changing, current.plus != 0 || current.minus != 0 {
      try plus.writeOutputs(0)
      try minus.writeOutputs(0)
    }
    try plus.writeOutputs(setting.plusMask)
    try minus.writeOutputs(setting.minusMask)
  }

  /// The auxiliary contacts (GPIOB bits 0–5) of both buses.
  public func readBack() throws -> (plus: UInt8, minus: UInt8) {
    (plus: try plus.inputs(), minus: try minus.inputs())
  }

  /// What both buses are commanded to (OLATA).
  public func commanded() throws -> (plus: UInt8, minus: UInt8) {
    (plus: try plus.outputLatch(), minus: try minus.outputLatch())
  }

  /// Whether the auxiliary contacts show exactly `setting` and no probe is on both buses. A
  /// `false` after the settle time is a welded or stuck relay.
  public func verify(_ setting: MatrixSetting) throws -> Bool {
    let contacts = try readBack()
    return contacts.plus & contacts.minus == 0 && contacts.plus == setting.plusMask
      && contacts.minus == setting.minusMask
  }

  /// Both expanders answer now (see `MCP23017.verifyAlive`).
  public func verifyAlive(nonce: UInt8) throws {
    try plus.verifyAlive(nonce: nonce)
    try minus.verifyAlive(nonce: nonce ^ 0xFF)
  }
}
