import Units

/// Six relays on one bus of the electrode matrix, each with its own settle time, and the
/// auxiliary contacts that report where each relay really is.
///
/// A relay's contact follows its coil a settle time after the coil changes; until then the
/// read-back still shows the old position, which is what the controller's read-back check is
/// for. A stuck relay (fault injection) never follows.
public struct RelayBank {
  private var coil: UInt8 = 0
  private var contact: UInt8 = 0
  private var settlesAt: [Instant]
  private var pendingFrom: UInt8 = 0
  private let settleMin: Nanoseconds
  private let settleMax: Nanoseconds
  private var random: SeededGenerator
  /// Relays (bit per probe) that do not move, whatever their coil says.
  public private(set) var stuck: UInt8 = 0

  public init(settleMin: Milliseconds, settleMax: Milliseconds, random: SeededGenerator) {
    self.settleMin = settleMin.nanoseconds
    self.settleMax = settleMax.nanoseconds
    self.random = random
    self.settlesAt = Array(repeating: Instant(nanoseconds: 0), count: 6)
  }

  /// The coils are driven to `bits` (the expander's port A outputs) at `instant`.
  public mutating func drive(_ bits: UInt8, at instant: Instant) {
    contact = contacts(at: instant)
    for bit in 0..<6 where (bits ^ coil) & (1 << bit) != 0 {
      let spread = Double((settleMax - settleMin).value) * random.unit()
      settlesAt[bit] = instant + settleMin + Nanoseconds(Int64(spread))
    }
    coil = bits & 0x3F
  }

  /// From `instant` on, one relay that should be open is welded shut (the lowest one whose
  /// coil is off): its probe is connected to this bus whatever the coil says.
  public mutating func weldOneClosed(at instant: Instant) {
    contact = contacts(at: instant)
    let open = ~coil & 0x3F
    guard open != 0 else { return }
    let bit = open & (~open &+ 1)
    contact |= bit
    stuck |= bit
  }

  /// Frees every stuck relay: from `instant` on the contacts follow the coils again.
  public mutating func unstick(at instant: Instant) {
    contact = contacts(at: instant)
    for bit in 0..<6 where stuck & (1 << bit) != 0 { settlesAt[bit] = instant }
    stuck = 0
  }

  /// From `instant` on, the relays in `mask` stay where they are (welded, or stuck open).
  public mutating func stick(_ mask: UInt8, at instant: Instant) {
    contact = contacts(at: instant)
    stuck = mask & 0x3F
  }

  /// The auxiliary contacts (port B) at `instant`: bit set where the relay is closed.
  public func contacts(at instant: Instant) -> UInt8 {
    var bits = contact
    for bit in 0..<6 {
      let mask = UInt8(1) << bit
      guard stuck & mask == 0, instant >= settlesAt[bit] else { continue }
      bits = (bits & ~mask) | (coil & mask)
    }
    return bits
  }

  /// The probe (1...6) whose relay is closed at `instant`, when exactly one is; `nil` when none
  /// or several are. Bit arithmetic, so that a pulse allocates nothing.
  public func soleClosedProbe(at instant: Instant) -> Int? {
    let bits = contacts(at: instant)
    guard bits != 0, bits & (bits - 1) == 0 else { return nil }
    return bits.trailingZeroBitCount + 1
  }
}
