import Foundation
import Record

/// What the last `irectl selftest` found, kept in a small file (`InstalledPaths.selftestStates`)
/// for `irectl info`: a service engineer asks when the board was last found fit, and by whom.
public struct SelfTestVerdict: Codable, Equatable, Sendable {
  public static let fileName = "selftest.json"

  /// Wall-clock time of the selftest, ISO 8601.
  public var time: String
  public var fitToTreat: Bool
  public var checks: Int
  public var failed: Int
  public var board: String
  /// The board file's SHA-256 when the selftest ran: whether the board file changed since.
  public var boardSHA256: String?
  public var user: String

  enum CodingKeys: String, CodingKey {
    case time, checks, failed, board, user
    case fitToTreat = "fit_to_treat"
    case boardSHA256 = "board_sha256"
  }

  public init(
    report: SelfTest.Report, boardPath: String, time: Date = Date(),
    user: String = NSUserName()
  ) {
    self.time = TreatmentRecord.timestamp(time)
    fitToTreat = report.fitToTreat
    checks = report.checks.count
    failed = report.checks.filter { $0.result == .fail }.count
    board = boardPath
    boardSHA256 = try? TreatmentRecord.sha256(ofFile: boardPath)
    self.user = user
  }

  /// Written whole or not at all (a temporary file renamed over the last one), readable and
  /// replaceable by the group where the directory is shared.
  public func save(to path: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let temporary = "\(path).\(getpid()).tmp"
    try encoder.encode(self).write(to: URL(fileURLWithPath: temporary))
    chmod(temporary, 0o664)
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw SessionError.environment("cannot keep the selftest's verdict in \(path): \(reason)")
    }
  }

  /// The latest verdict of those kept at `paths` (unreadable or missing files are passed over).
  public static func latest(of paths: [String]) -> (path: String, verdict: SelfTestVerdict)? {
    let found = paths.compactMap { path -> (path: String, verdict: SelfTestVerdict)? in
      guard let data = FileManager.default.contents(atPath: path),
        let verdict = try? JSONDecoder().decode(SelfTestVerdict.self, from: data)
      else { return nil }
      return (path, verdict)
    }
    // ISO 8601 in UTC sorts as time does.
    return found.max { $0.verdict.time < $1.verdict.time }
  }
}
