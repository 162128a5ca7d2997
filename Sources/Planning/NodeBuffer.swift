/// One value per grid node (double precision for the solution and the conjugate gradient,
/// single for the operator and the multigrid), in memory allocated once and zeroed, with a margin of zeros on
/// either side one z-layer wide: a stencil may read the neighbours of any node (i ± 1, j ± 1,
/// k ± 1) without a bounds test, since the couplings to nodes that do not exist are zero.
///
/// The solver's inner loops work on these raw pointers: they run over hundreds of thousands of
/// nodes dozens of times per pair, where Array's checks and copy-on-write would cost more than
/// the arithmetic.
final class NodeBuffer<Element: BinaryFloatingPoint> {
  let count: Int
  let margin: Int
  private let storage: UnsafeMutablePointer<Element>
  /// Node 0; valid from `-margin` to `count + margin - 1`.
  let pointer: UnsafeMutablePointer<Element>

  init(count: Int, margin: Int) {
    self.count = count
    self.margin = margin
    storage = .allocate(capacity: count + 2 * margin)
    storage.initialize(repeating: 0, count: count + 2 * margin)
    pointer = storage + margin
  }

  deinit { storage.deallocate() }

  var bytes: Int { (count + 2 * margin) * MemoryLayout<Element>.stride }

  func fill(_ value: Element) { pointer.update(repeating: value, count: count) }

  func copy(from other: NodeBuffer) { pointer.update(from: other.pointer, count: count) }

  subscript(index: Int) -> Element {
    @inline(__always) get { pointer[index] }
    @inline(__always) set { pointer[index] = newValue }
  }
}
