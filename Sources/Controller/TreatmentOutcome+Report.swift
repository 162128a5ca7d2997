import Sequencer

extension TreatmentOutcome {
  /// What the operator's terminal says of a treatment that did not complete (`nil` when it
  /// did): the same words for a simulated and a real one.
  public func incompleteReport(hardwareError: String?) -> String? {
    switch self {
    case .completed: return nil
    case .faulted(let fault, _, let index):
      let detail = hardwareError.map { " (\($0))" } ?? ""
      return "treatment FAULTED (pulse index \(index)): \(fault.interlock.rawValue): \(fault.reason)\(detail)"
    case .aborted(let reason, _, let index):
      return "treatment ABORTED (pulse index \(index)): \(reason)"
    }
  }
}
