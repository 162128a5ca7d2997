/// Which probe the electrode matrix connects to the + bus and which to the − bus, or neither.
///
/// Only an open matrix or a pair of two different probes 1–6 can be expressed, so "a probe on
/// both buses at once" (a short) cannot be commanded.
public struct MatrixSetting: Equatable, Sendable, CustomStringConvertible {
  /// The probes the matrix has (BOARD.md: six).
  public static let probes = 1...6

  /// The probe on the + bus (expander 0x20), `nil` when open.
  public let positive: Int?
  /// The probe on the − bus (expander 0x21), `nil` when open.
  public let negative: Int?

  /// Every relay open.
  public static let open = MatrixSetting(open: ())

  private init(open: Void) {
    positive = nil
    negative = nil
  }

  /// `nil` unless both probes are in 1...6 and different.
  public init?(positive: Int, negative: Int) {
    guard MatrixSetting.probes.contains(positive), MatrixSetting.probes.contains(negative),
      positive != negative
    else { return nil }
    self.positive = positive
    self.negative = negative
  }

  /// The + expander's OLATA: bit (probe − 1).
  public var plusMask: UInt8 { MatrixSetting.mask(positive) }
  /// The − expander's OLATA: bit (probe − 1).
  public var minusMask: UInt8 { MatrixSetting.mask(negative) }

  public var isOpen: Bool { positive == nil && negative == nil }

  public var description: String {
    guard let positive, let negative else { return "open" }
    return "+\(positive) −\(negative)"
  }

  private static func mask(_ probe: Int?) -> UInt8 {
    guard let probe else { return 0 }
    return UInt8(1) << UInt8(probe - 1)
  }
}
