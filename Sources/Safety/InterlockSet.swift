/// A set of interlocks as bits, so that the readiness list can be computed and compared at
/// every snapshot without allocating.
public struct InterlockSet: OptionSet, Sendable, Hashable {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public init(_ interlock: Interlock) {
    let index = Interlock.allCases.firstIndex(of: interlock) ?? 0
    self.init(rawValue: 1 << UInt32(index))
  }

  /// The members, in declaration order (allocates: for displays and records, not the loop).
  public var interlocks: [Interlock] { Interlock.allCases.filter { contains(InterlockSet($0)) } }
}
