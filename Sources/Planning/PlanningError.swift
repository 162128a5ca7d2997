/// Why the planner could not plan: input that the file validators should have refused, or
/// options out of their range.
public enum PlanningError: Error, Equatable, CustomStringConvertible, Sendable {
  case invalidLayout(String)
  case invalidOption(String)

  public var description: String {
    switch self {
    case .invalidLayout(let text): "invalid probe layout: \(text)"
    case .invalidOption(let text): "invalid planning option: \(text)"
    }
  }
}
