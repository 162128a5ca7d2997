import Foundation
import LinuxBackend
import Protocol
import Record

#if canImport(Glibc)
  import Glibc
#endif

/// `irectl info`: what a service engineer asks for first about a machine running the controller
/// — the software, the kernel and its preemption, the caller's real-time limits, the GPIO chips
/// and I2C buses the kernel has, the board file, the record and the last selftest. It reads
/// files, the chips' info and the record; it drives nothing and requests no line.
public struct SystemInfo {
  /// A resource limit of the caller; `nil` is unlimited.
  public struct Limit: Equatable {
    public var soft: UInt64?
    public var hard: UInt64?
  }

  public struct I2CBus: Equatable {
    /// i2c-N.
    public var name: String
    /// The adapter's name (the kernel driver's, with its address).
    public var adapter: String?
    public var device: String
    /// Whether this user may open the device to read and write.
    public var access: Bool
  }

  public struct BoardFileInfo {
    public var path: String
    public var exists: Bool
    public var sha256: String? = nil
    public var name: String? = nil
    public var backend: String? = nil
    /// Why the file does not load (an error of `irectl validate`'s), else `nil`.
    public var problem: String? = nil
  }

  public struct RecordInfo {
    public var path: String
    public var exists: Bool
    public var sizeBytes: UInt64? = nil
    public var sessions: Int? = nil
    public var last: SessionSummaryRow? = nil
    public var problem: String? = nil
  }

  public var version = Version.current
  public var build = SystemInfo.buildKind
  public var compiler = SystemInfo.compilerVersion
  public var kernelRelease: String?
  public var kernelVersion: String?
  public var commandLine: String?
  public var preemption: String
  public var realtimeKernel: Bool
  public var rtprio: Limit
  public var memlock: Limit
  public var libgpiod: String
  public var gpiochips: [GPIOChipInfo]
  public var i2cBuses: [I2CBus]
  public var board: BoardFileInfo
  public var record: RecordInfo
  public var selftest: (path: String, verdict: SelfTestVerdict)?

  /// Everything read now. `paths.root` is "/" but in tests, where it is a tree of their own.
  public static func gather(
    paths: InstalledPaths, boardPath: String, recordPath: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> SystemInfo {
    let root = paths.root
    let version = read(root + "proc/sys/kernel/version")
    let realtimeFlag = read(root + "sys/kernel/realtime") == "1"
    let preemption = preemptionModel(version: version, realtimeFlag: realtimeFlag)
    return SystemInfo(
      kernelRelease: read(root + "proc/sys/kernel/osrelease"), kernelVersion: version,
      commandLine: read(root + "proc/cmdline"), preemption: preemption,
      realtimeKernel: preemption == "PREEMPT_RT",
      rtprio: limit(__RLIMIT_RTPRIO), memlock: limit(__RLIMIT_MEMLOCK),
      libgpiod: GPIOLibrary.version,
      gpiochips: GPIOChipInfo.all(root: root), i2cBuses: i2cBuses(root: root),
      board: boardInfo(boardPath), record: recordInfo(recordPath),
      selftest: SelfTestVerdict.latest(of: paths.selftestStates(environment: environment)))
  }

  /// The kernel's preemption model, from `uname -v` (the build's flags) and
  /// `/sys/kernel/realtime` (1 on PREEMPT_RT kernels): PREEMPT_RT, PREEMPT_DYNAMIC (the model
  /// chosen at boot, `preempt=` on the command line), PREEMPT, or none (voluntary or server).
  public static func preemptionModel(version: String?, realtimeFlag: Bool) -> String {
    let words = Set((version ?? "").split(separator: " ").map(String.init))
    if realtimeFlag || words.contains("PREEMPT_RT") { return "PREEMPT_RT" }
    if words.contains("PREEMPT_DYNAMIC") { return "PREEMPT_DYNAMIC" }
    if words.contains("PREEMPT") { return "PREEMPT" }
    return "none"
  }

  static var buildKind: String {
    #if DEBUG
      "debug"
    #else
      "release"
    #endif
  }

  static var compilerVersion: String {
    #if compiler(>=6.3)
      "Swift 6.3 or later"
    #elseif compiler(>=6.2)
      "Swift 6.2"
    #elseif compiler(>=6.1)
      "Swift 6.1"
    #else
      "Swift 6.0"
    #endif
  }

  /// The first line of a small file of the kernel's, trimmed; `nil` when it cannot be read.
  static func read(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  static func limit(_ resource: __rlimit_resource) -> Limit {
    var value = rlimit()
    guard getrlimit(__rlimit_resource_t(resource.rawValue), &value) == 0 else { return Limit() }
    func finite(_ raw: rlim_t) -> UInt64? { raw == rlim_t.max ? nil : UInt64(raw) }  // RLIM_INFINITY
    return Limit(soft: finite(value.rlim_cur), hard: finite(value.rlim_max))
  }

  /// The I2C buses with a character device (`i2c-dev` loaded), in the order of their numbers.
  static func i2cBuses(root: String) -> [I2CBus] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "sys/class/i2c-dev")) ?? []
    return names.filter { $0.hasPrefix("i2c-") && Int($0.dropFirst(4)) != nil }
      .sorted { Int($0.dropFirst(4)) ?? 0 < Int($1.dropFirst(4)) ?? 0 }
      .map { name in
        let device = root + "dev/" + name
        return I2CBus(
          name: name, adapter: read(root + "sys/class/i2c-dev/\(name)/name"), device: device,
          access: access(device, R_OK | W_OK) == 0)
      }
  }

  static func boardInfo(_ path: String) -> BoardFileInfo {
    var info = BoardFileInfo(path: path, exists: FileManager.default.fileExists(atPath: path))
    guard info.exists else { return info }
    do {
      info.sha256 = try TreatmentRecord.sha256(ofFile: path)
      let board = try BoardFile.load(path: path)
      info.name = board.name
      info.backend = board.backend.rawValue
    } catch { info.problem = String(describing: error) }
    return info
  }

  /// The record's size and sessions; a record that does not exist is not made.
  static func recordInfo(_ path: String) -> RecordInfo {
    var info = RecordInfo(path: path, exists: FileManager.default.fileExists(atPath: path))
    guard info.exists else { return info }
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    info.sizeBytes = (attributes?[.size] as? NSNumber)?.uint64Value
    do {
      let sessions = try TreatmentRecord(path: path).sessions()
      info.sessions = sessions.count
      info.last = sessions.last
    } catch { info.problem = String(describing: error) }
    return info
  }
}
