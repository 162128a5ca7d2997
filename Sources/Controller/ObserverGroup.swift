import Sequencer

/// Passes each treatment event to several observers, in order.
public final class ObserverGroup: TreatmentObserver {
  private let members: [any TreatmentObserver]
  public init(_ members: [any TreatmentObserver]) { self.members = members }
  public func treatment(_ event: TreatmentEvent) {
    for member in members { member.treatment(event) }
  }
}
