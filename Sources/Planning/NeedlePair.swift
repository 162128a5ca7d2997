import Units

/// A pair of needles as the generator drives it: the anode at `voltage`, the cathode at 0 V,
/// every other needle disconnected (floating) for the pair's pulses.
public struct NeedlePair: Sendable, Hashable {
  public var anode: Int
  public var cathode: Int
  public var voltage: Volts

  public init(anode: Int, cathode: Int, voltage: Volts) {
    self.anode = anode
    self.cathode = cathode
    self.voltage = voltage
  }

  /// "1–2", as the console and the summary name a pair.
  public var label: String { "\(anode)–\(cathode)" }
}
