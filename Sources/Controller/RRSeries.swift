import Foundation
import Units

/// A recorded RR series: one interval in milliseconds per line; blank lines and lines starting
/// with `#` are ignored. The file is held to `fileBytes` before it is read past it.
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
  /// The size of an RR file, in bytes (1 MiB: some 209 000 intervals written as "800\n", 2.4
  /// days at 60 beats a minute; some 116 000 written as "812.500\r\n", 26 hours).
  public static let fileBytes = 1 << 20

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
    let tooLarge = { (found: String) in
      FormatError(
        file: path, line: 0,
        found:
          "the RR file is larger than the limit (allowed: at most \(fileBytes) bytes (1 MiB); found: \(found))"
      )
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    if let size, size > fileBytes { throw tooLarge("\(size) bytes") }
    let cannotRead = FormatError(
      file: path, line: 0, found: "cannot read the RR file (missing, unreadable or not UTF-8)")
    guard let handle = FileHandle(forReadingAtPath: path) else { throw cannotRead }
    defer { try? handle.close() }
    // A device or a pipe has no size to check first: it is read no further than the limit.
    guard let data = try? handle.read(upToCount: fileBytes + 1) ?? Data() else { throw cannotRead }
    guard data.count <= fileBytes else { throw tooLarge("more than \(fileBytes) bytes") }
    guard let text = String(data: data, encoding: .utf8) else { throw cannotRead }
    return try parse(text, file: path)
  }
}
