import Planning

/// The tissues the planner knows (firmware-config/tissues.yaml), decoded and validated: each
/// with its conductivity, its σ(E) ramp, its temperature coefficient and its threshold, and the
/// source of each.
public struct TissueLibrary: Sendable, Equatable {
  public var format: Int
  public var name: String
  public var description: String?
  public var tissues: [TissueProperties]

  public init(format: Int, name: String, description: String?, tissues: [TissueProperties]) {
    self.format = format
    self.name = name
    self.description = description
    self.tissues = tissues
  }

  /// The tissue a protocol means when it names none.
  public static let defaultTissue = "liver"

  public subscript(name: String) -> TissueProperties? { tissues.first { $0.name == name } }

  public var names: [String] { tissues.map(\.name) }
}
