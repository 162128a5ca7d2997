/// A physical quantity carried as a `Double` with its unit in its type, so that volts are never
/// added to amperes and no variable needs a unit suffix.
///
/// Each unit is its own struct conforming to this protocol; the arithmetic that makes sense
/// between two values of the same unit is provided once here.
public protocol Quantity: Comparable, Hashable, Sendable, CustomStringConvertible {
  var value: Double { get }
  init(_ value: Double)
  /// The unit's symbol as printed after the number ("V", "A", ...).
  static var symbol: String { get }
}

extension Quantity {
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
  public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.value + rhs.value) }
  public static func - (lhs: Self, rhs: Self) -> Self { Self(lhs.value - rhs.value) }
  public static func * (lhs: Self, rhs: Double) -> Self { Self(lhs.value * rhs) }
  public static func / (lhs: Self, rhs: Double) -> Self { Self(lhs.value / rhs) }
  public static var zero: Self { Self(0) }
  public var magnitude: Self { Self(Swift.abs(value)) }
  public var description: String { "\(formatted(value)) \(Self.symbol)" }
}

/// Prints a number the way a technician reads it: integers without a fraction, others with at
/// most three decimals, no exponent for the ranges this product deals with.
public func formatted(_ number: Double) -> String {
  if number.rounded() == number, Swift.abs(number) < 1e15 { return String(Int64(number)) }
  let scaled = (number * 1000).rounded() / 1000
  return String(scaled)
}

/// Electric potential.
public struct Volts: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "V"
}

/// Electric current.
public struct Amperes: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "A"
}

/// Electrical resistance (the load the pulses see, in the board emulator).
public struct Ohms: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "Ω"
}

/// Temperature on the Celsius scale.
public struct Celsius: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "°C"
}

/// Length, as probe positions and spacings are given in the protocol file.
public struct Millimetres: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "mm"
}

/// Electric field strength.
public struct VoltsPerCentimetre: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "V/cm"
}

/// Frequency.
public struct Hertz: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "Hz"
}

/// Electrical conductivity.
public struct SiemensPerMetre: Quantity {
  public var value: Double
  public init(_ value: Double) { self.value = value }
  public static let symbol = "S/m"
}

extension VoltsPerCentimetre {
  /// The voltage that gives this field across `spacing` (1 cm = 10 mm).
  public func across(_ spacing: Millimetres) -> Volts { Volts(value * spacing.value / 10) }
}

extension Volts {
  /// The mean field of this voltage across `spacing`.
  public func field(across spacing: Millimetres) -> VoltsPerCentimetre {
    VoltsPerCentimetre(value / (spacing.value / 10))
  }
}
