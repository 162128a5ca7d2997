/// The exact solve on the coarsest multigrid level: a dense Cholesky factorisation of its
/// active nodes (a few hundred at most), refactored whenever the operator changes.
final class CoarsestSolver {
  private let level: StencilLevel
  private var active: [Int]
  private var factor: [Double]
  private var work: [Double]

  init(level: StencilLevel) {
    self.level = level
    active = []
    active.reserveCapacity(level.count)
    factor = [Double](repeating: 0, count: level.count * level.count)
    work = [Double](repeating: 0, count: level.count)
  }

  /// Factors the level's current operator.
  func factorise() {
    active.removeAll(keepingCapacity: true)
    let inv = level.inverse.pointer
    for p in 0..<level.count where inv[p] != 0 { active.append(p) }
    let n = active.count
    var position = [Int](repeating: -1, count: level.count)
    for (row, p) in active.enumerated() { position[p] = row }
    let (ax, ay, az, d) = (level.cx.pointer, level.cy.pointer, level.cz.pointer, level.diagonal.pointer)
    let (sy, sz) = (level.strideY, level.strideZ)
    factor.withUnsafeMutableBufferPointer { a in
      for index in 0..<(n * n) { a[index] = 0 }
      for (row, p) in active.enumerated() {
        a[row * n + row] = Double(d[p])
        for (neighbour, coupling) in [(p + 1, ax[p]), (p + sy, ay[p]), (p + sz, az[p])]
        where coupling != 0 && neighbour < level.count && position[neighbour] >= 0 {
          let column = position[neighbour]
          a[row * n + column] = -Double(coupling)
          a[column * n + row] = -Double(coupling)
        }
      }
      // In place: the lower triangle becomes L with A = L Lᵀ.
      for j in 0..<n {
        var pivot = a[j * n + j]
        for m in 0..<j { pivot -= a[j * n + m] * a[j * n + m] }
        let root = pivot > 0 ? pivot.squareRoot() : 1
        a[j * n + j] = root
        for i in (j + 1)..<Swift.max(n, j + 1) {
          var sum = a[i * n + j]
          for m in 0..<j { sum -= a[i * n + m] * a[j * n + m] }
          a[i * n + j] = sum / root
        }
      }
    }
  }

  /// solution = A⁻¹ rhs on the active nodes; 0 on the others.
  func solve() {
    let n = active.count
    let b = level.rhs.pointer
    let x = level.solution.pointer
    x.update(repeating: 0, count: level.count)
    factor.withUnsafeBufferPointer { a in
      work.withUnsafeMutableBufferPointer { y in
        for i in 0..<n {
          var sum = Double(b[active[i]])
          for m in 0..<i { sum -= a[i * n + m] * y[m] }
          y[i] = sum / a[i * n + i]
        }
        var i = n - 1
        while i >= 0 {
          var sum = y[i]
          for m in (i + 1)..<Swift.max(n, i + 1) { sum -= a[m * n + i] * y[m] }
          y[i] = sum / a[i * n + i]
          i -= 1
        }
        for i in 0..<n { x[active[i]] = Float(y[i]) }
      }
    }
  }
}
