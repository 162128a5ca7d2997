import Units

/// The needles of a treatment and the pairs driven between them: what the planner solves.
///
/// A layout is checked when it is made (distinct ids, pairs between two different existing
/// needles, needles that do not touch), so the solver never meets a geometry it cannot grid.
public struct ProbeLayout: Sendable, Equatable {
  public private(set) var needles: [Needle]
  public private(set) var pairs: [NeedlePair]

  public init(needles: [Needle], pairs: [NeedlePair]) throws(PlanningError) {
    var seen: Set<Int> = []
    for needle in needles {
      guard seen.insert(needle.id).inserted else { throw .invalidLayout("needle \(needle.id) given twice") }
      guard needle.radius.value > 0, needle.exposure.value > 0 else {
        throw .invalidLayout("needle \(needle.id) needs a positive radius and exposure")
      }
    }
    for (index, a) in needles.enumerated() {
      for b in needles[(index + 1)...] where a.spacing(to: b) <= a.radius + b.radius {
        throw .invalidLayout("needles \(a.id) and \(b.id) touch")
      }
    }
    guard !pairs.isEmpty else { throw .invalidLayout("no pair to solve") }
    for pair in pairs {
      guard pair.anode != pair.cathode, seen.contains(pair.anode), seen.contains(pair.cathode) else {
        throw .invalidLayout("pair \(pair.label) does not name two different needles of the layout")
      }
      guard pair.voltage.value > 0 else {
        throw .invalidLayout("pair \(pair.label) needs a positive voltage")
      }
    }
    self.needles = needles
    self.pairs = pairs
  }

  /// The index in `needles` of the needle with this id.
  func index(of id: Int) -> Int? { needles.firstIndex { $0.id == id } }
}
