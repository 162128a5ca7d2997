/// Iso-field lines of a slice, by marching squares: where |E| crosses a level along each edge of
/// each cell of the slice's nodes, joined inside the cell. Enough to draw (each segment stands
/// alone; a saddle cell is joined one of its two ways).
extension FieldSlice {
  /// A straight piece of an iso-line, from (x0, y0) to (x1, y1) in the slice's mm.
  public struct Segment: Sendable, Equatable {
    public var x0: Double
    public var y0: Double
    public var x1: Double
    public var y1: Double
  }

  /// The segments of the line |E| = `level` (V/cm).
  public func contour(at level: Double) -> [Segment] {
    let columns = horizontal.count
    let rows = vertical.count
    guard columns > 1, rows > 1 else { return [] }
    let h = horizontal.map(\.value)
    let v = vertical.map(\.value)
    let t = Float(level)
    var segments: [Segment] = []
    for row in 0..<(rows - 1) {
      for column in 0..<(columns - 1) {
        // Corners counter-clockwise from (column, row); the edges between consecutive ones.
        let corners = [(column, row), (column + 1, row), (column + 1, row + 1), (column, row + 1)]
        var crossings: [(Double, Double)] = []
        for edge in 0..<4 {
          let (ac, ar) = corners[edge]
          let (bc, br) = corners[(edge + 1) % 4]
          let a = values[ar * columns + ac]
          let b = values[br * columns + bc]
          guard (a >= t) != (b >= t) else { continue }
          let s = Double((t - a) / (b - a))
          crossings.append((h[ac] + s * (h[bc] - h[ac]), v[ar] + s * (v[br] - v[ar])))
        }
        var index = 0
        while index + 1 < crossings.count {
          let (p, q) = (crossings[index], crossings[index + 1])
          segments.append(Segment(x0: p.0, y0: p.1, x1: q.0, y1: q.1))
          index += 2
        }
      }
    }
    return segments
  }
}
