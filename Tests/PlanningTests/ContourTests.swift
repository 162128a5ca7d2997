import Testing
import Units

@testable import Planning

/// The iso-field lines the plan page draws lie where the field crosses the level.
struct ContourTests {
  @Test func aRadialFieldsContourIsACircle() {
    // |E| = 1000 / r (V/cm, r in mm) on a 0.5 mm lattice: the 400 V/cm line is the circle r = 2.5.
    let axis = stride(from: -6.0, through: 6.0, by: 0.5).map { Millimetres($0) }
    var values: [Float] = []
    for y in axis {
      for x in axis {
        let r = Swift.max((x.value * x.value + y.value * y.value).squareRoot(), 0.1)
        values.append(Float(1000 / r))
      }
    }
    let slice = FieldSlice(horizontal: axis, vertical: axis, values: values)
    let segments = slice.contour(at: 400)
    #expect(segments.count >= 16)
    for segment in segments {
      for (x, y) in [(segment.x0, segment.y0), (segment.x1, segment.y1)] {
        #expect(Swift.abs((x * x + y * y).squareRoot() - 2.5) < 0.1, "(\(x), \(y))")
      }
    }
    #expect(slice.contour(at: 5000).isEmpty == false)
    #expect(slice.contour(at: 50).isEmpty)
  }
}
