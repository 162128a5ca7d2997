import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a long run of this process holds, read from /proc: its resident memory, its open file
/// descriptors, and the size of its record on disk (the file and its write-ahead log). A soak
/// watches these stay flat.
public struct ProcessFigures: Equatable, Sendable {
  public var residentKB: Int
  public var openFiles: Int
  public var recordBytes: Int

  public static func now(record: String?) -> ProcessFigures {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let residentPages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    let pageKB = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    let files = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    let bytes = record.map { path in
      ["", "-wal"].reduce(0) { total, suffix in
        total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
      }
    }
    // Listing /proc/self/fd opens one descriptor of its own.
    return ProcessFigures(
      residentKB: residentPages * pageKB, openFiles: max(files - 1, 0), recordBytes: bytes ?? 0)
  }
}
