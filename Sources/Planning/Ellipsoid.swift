import Units

/// A target volume: an axis-aligned ellipsoid (a sphere when its radii are equal), in the
/// planner's coordinates (x, y as the probes; z = 0 the plane through the middle of the exposure).
public struct Ellipsoid: Sendable, Equatable {
  public var centre: Point
  public var radii: Point

  public struct Point: Sendable, Equatable {
    public var x: Millimetres
    public var y: Millimetres
    public var z: Millimetres
    public init(x: Millimetres, y: Millimetres, z: Millimetres) {
      self.x = x
      self.y = y
      self.z = z
    }
  }

  public init(centre: Point, radii: Point) {
    self.centre = centre
    self.radii = radii
  }

  public static func sphere(centre: Point, radius: Millimetres) -> Ellipsoid {
    Ellipsoid(centre: centre, radii: Point(x: radius, y: radius, z: radius))
  }

  /// The volume in mm³.
  public var volume: Double { 4 / 3 * Double.pi * radii.x.value * radii.y.value * radii.z.value }

  /// Whether a point (mm) lies inside or on the surface.
  func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool {
    let u = (x - centre.x.value) / radii.x.value
    let v = (y - centre.y.value) / radii.y.value
    let w = (z - centre.z.value) / radii.z.value
    return u * u + v * v + w * w <= 1
  }
}
