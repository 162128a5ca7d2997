import Planning
import Units

extension TreatmentProtocol {
  /// The probes and pairs as the planner sees them: each probe a needle of its gauge's radius,
  /// its exposure centred on z = 0, each pair at its resolved voltage, in the order of delivery.
  /// A decoded protocol always makes a valid layout (its probes are 5 mm or more apart); the
  /// planner's own check stays as the backstop.
  public func probeLayout() throws(PlanningError) -> ProbeLayout {
    let needles = probes.map { probe in
      Needle(id: probe.id, x: probe.x, y: probe.y, exposure: probe.exposure, radius: probe.gauge.radius)
    }
    let pairs = pairs.map { NeedlePair(anode: $0.anode, cathode: $0.cathode, voltage: $0.voltage) }
    return try ProbeLayout(needles: needles, pairs: pairs)
  }
}
