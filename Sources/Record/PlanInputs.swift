/// What a session's planned zone is computed from, kept with the session so that the plan (and
/// the zone as delivered) can be computed again exactly as it was: the tissue, the SHA-256 of
/// the tissue library's text, the planner's version and the grid spacing. The probes, pairs and
/// voltages are the protocol's, whose SHA-256 the session already keeps.
///
/// Stored in the session's own row (columns of the sixth migration), so that the chain covers
/// them: changing any of them afterwards breaks the session's first link.
public struct PlanInputs: Sendable, Equatable {
  public var tissue: String
  public var tissueLibrarySHA256: String
  public var plannerVersion: String
  public var resolutionMm: Double

  public init(tissue: String, tissueLibrarySHA256: String, plannerVersion: String, resolutionMm: Double) {
    self.tissue = tissue
    self.tissueLibrarySHA256 = tissueLibrarySHA256
    self.plannerVersion = plannerVersion
    self.resolutionMm = resolutionMm
  }
}
