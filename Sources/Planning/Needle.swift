import Units

/// One needle electrode as the planner sees it: a metal cylinder parallel to z, its exposed
/// (uninsulated) length centred on the plane z = 0.
///
/// z = 0 is the plane through the middle of the exposed length: every needle's exposure is
/// centred on it, so that the plane is a plane of symmetry of the field and only its upper half
/// is solved. The insulated shaft above the exposure is left out of the model (it is as thin
/// as the needle and carries no current; docs/planning.md says what that costs).
public struct Needle: Sendable, Hashable {
  /// The generator output the needle is connected to (1...6).
  public var id: Int
  public var x: Millimetres
  public var y: Millimetres
  /// The exposed length, from z = −exposure/2 to +exposure/2.
  public var exposure: Millimetres
  /// The outer radius of the needle (from its gauge).
  public var radius: Millimetres

  public init(id: Int, x: Millimetres, y: Millimetres, exposure: Millimetres, radius: Millimetres) {
    self.id = id
    self.x = x
    self.y = y
    self.exposure = exposure
    self.radius = radius
  }

  /// The distance between the axes of two needles.
  public func spacing(to other: Needle) -> Millimetres {
    let dx = x.value - other.x.value
    let dy = y.value - other.y.value
    return Millimetres((dx * dx + dy * dy).squareRoot())
  }
}
