import Planning
import Units

extension Ellipsoid {
  static let keys = ["x_mm", "y_mm", "z_mm", "radius_mm", "radius_x_mm", "radius_y_mm", "radius_z_mm"]
  /// Where a target's centre may lie (mm from the origin of the probes' coordinates).
  static let centreRange = -100.0...100.0
  static let radiusRange = 1.0...50.0

  /// Reads `target:` (format 2): a sphere, `{ x_mm, y_mm, z_mm, radius_mm }`, or an axis-aligned
  /// ellipsoid, `{ x_mm, y_mm, z_mm, radius_x_mm, radius_y_mm, radius_z_mm }`; z = 0 is the plane
  /// through the middle of the exposed length.
  static func read(_ value: YAMLValue) -> Ellipsoid? {
    guard let target = value.mapping(keys: keys) else { return nil }
    let centre = ["x_mm", "y_mm", "z_mm"].map {
      target.required($0)?.number(in: centreRange, allowed: "-100..100 mm")
    }
    let axes = ["radius_x_mm", "radius_y_mm", "radius_z_mm"]
    var radii: [Double?]
    if target.has("radius_mm") {
      for axis in axes where target.has(axis) {
        target.reject(
          axis,
          "a target is a sphere (radius_mm) or an ellipsoid (radius_x_mm, radius_y_mm, radius_z_mm), not both"
        )
      }
      let radius = target["radius_mm"]?.number(in: radiusRange, allowed: "1..50 mm")
      radii = [radius, radius, radius]
    } else if axes.contains(where: target.has) {
      radii = axes.map { target.required($0)?.number(in: radiusRange, allowed: "1..50 mm") }
    } else {
      value.report(
        "a target needs its size", allowed: "radius_mm, or radius_x_mm, radius_y_mm and radius_z_mm",
        found: "none")
      return nil
    }
    guard let x = centre[0], let y = centre[1], let z = centre[2], let rx = radii[0], let ry = radii[1],
      let rz = radii[2], !axes.contains(where: { target.has($0) && target.has("radius_mm") })
    else { return nil }
    return Ellipsoid(
      centre: Point(x: Millimetres(x), y: Millimetres(y), z: Millimetres(z)),
      radii: Point(x: Millimetres(rx), y: Millimetres(ry), z: Millimetres(rz)))
  }
}
