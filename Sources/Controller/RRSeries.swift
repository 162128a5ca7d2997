import Foundation
import Units

/// A recorded RR series: one interval in milliseconds per line; blank lines and lines starting
/// with `#` are ignored.
public enum RRSeries {
  public struct FormatError: Error, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var found: String
    public var description: String {
      line == 0
        ? "\(file): \(found)"
        : "\(file):\(line): RR interval (allowed: a number of milliseconds in 200...3000; found: \(found))"
    }
  }

  public static let allowed = 200.0...3000.0

  public static func parse(_ text: String, file: String) throws -> [Milliseconds] {
    var intervals: [Milliseconds] = []
    for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      .enumerated()
    {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let value = Double(line), value.isFinite, allowed.contains(value) else {
        let shown = line.count > 40 ? String(line.prefix(40)) + "…" : line
        throw FormatError(file: file, line: number + 1, found: "\"\(shown)\"")
      }
      intervals.append(Milliseconds(Int(value.rounded())))
    }
    if intervals.isEmpty { throw FormatError(file: file, line: 1, found: "no intervals") }
    return intervals
  }

  public static func load(path: String) throws -> [Milliseconds] {
    guard let data = FileManager.default.contents(atPath: path),
      let text = String(data: data, encoding: .utf8)
    else {
      throw FormatError(
        file: path, line: 0, found: "cannot read the RR file (missing, unreadable or not UTF-8)")
    }
    return try parse(text, file: path)
  }
}
