import Foundation
import Telemetry

/// Where irectl's files are, installed (the Debian package) or in a checkout, and so where the
/// defaults of its commands come from: on the board a technician types `irectl treat PROTOCOL`
/// and gets the board's file, its shared record and its console socket; a developer runs
/// `irectl simulate PROTOCOL` from any directory and gets the simulated reference board.
///
/// The system paths hang under `root` ("/", a temporary directory in the tests), so that every
/// default can be decided on a tree the tests build.
public struct InstalledPaths: Sendable {
  /// The directory the system paths hang under: "/" except in tests.
  public var root: String
  /// The running executable, symbolic links resolved; `nil` when it cannot be told.
  public var executable: String?
  /// The source tree the executable was built from (where it still exists, a checkout).
  public var sourceTree: String?

  public init(root: String = "/", executable: String? = nil, sourceTree: String? = nil) {
    self.root = root.hasSuffix("/") ? root : root + "/"
    self.executable = executable
    self.sourceTree = sourceTree
  }

  /// This process's: the system root, the executable as the kernel knows it, the source tree
  /// as the compiler saw it.
  public static var current: InstalledPaths {
    InstalledPaths(
      executable: try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
      sourceTree: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path)
  }

  /// The board this machine drives (a conffile of the package: the technician edits it).
  public var boardFile: String { root + "etc/irectl/board.yaml" }
  /// The record of the treatments on this board, shared by the technicians of the group
  /// `irectl` (a setgid directory the package makes), and the last selftest's verdict.
  public var sharedDirectory: String { root + "var/lib/irectl" }
  public var sharedRecord: String { sharedDirectory + "/records.sqlite" }
  /// The console socket's directory on the board (made at boot by the package's tmpfiles.d).
  public var runtimeDirectory: String { root + "run/irectl" }

  /// Where a checkout and the package keep the simulated reference board, relative to the
  /// checkout's root and to the package's data directory.
  static let simulatorBoardInCheckout = "firmware-config/boards/reference-sim.yaml"
  static let simulatorBoardInstalled = "boards/reference-sim.yaml"

  /// `irectl treat`'s record: the board's shared record where the package made its directory,
  /// else the user's (`RecordLocation`).
  public func treatmentRecord(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    isDirectory(sharedDirectory) ? sharedRecord : RecordLocation.defaultPath(environment: environment)
  }

  /// `irectl treat`'s console socket: in the board's runtime directory where it exists (every
  /// technician's console finds it there), else the user's (`TelemetryLocation`).
  public func treatmentSocket(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    isDirectory(runtimeDirectory)
      ? runtimeDirectory + "/" + TelemetryLocation.fileName
      : TelemetryLocation.defaultPath(environment: environment)
  }

  /// The simulated reference board, found from any working directory: beside an installed
  /// executable (`BIN/../share/irectl/boards/`), in the checkout an executable was built in
  /// (its build directory is under the checkout), or in the source tree it was built from.
  /// Failing all, the path relative to a checkout's root, which an error then names.
  public var simulatorBoard: String {
    shipped(inCheckout: Self.simulatorBoardInCheckout, installed: Self.simulatorBoardInstalled)
  }

  /// Where a checkout and the package keep the planner's tissue library.
  static let tissueLibraryInCheckout = "firmware-config/tissues.yaml"
  static let tissueLibraryInstalled = "tissues.yaml"

  /// The planner's tissue library (`irectl plan`, and the planner's warnings of `irectl
  /// validate`), found as the simulated reference board is.
  public var tissueLibrary: String {
    shipped(inCheckout: Self.tissueLibraryInCheckout, installed: Self.tissueLibraryInstalled)
  }

  /// A shipped protocol by name (`share/irectl/protocols/NAME.yaml`, or in a checkout).
  public func shippedProtocol(_ name: String) -> String {
    shipped(inCheckout: "firmware-config/protocols/\(name).yaml", installed: "protocols/\(name).yaml")
  }

  /// A file shipped with irectl: under `BIN/../share/irectl/` as `installed`, or as `inCheckout`
  /// in a checkout above the executable or in the source tree; failing all, `inCheckout`.
  private func shipped(inCheckout: String, installed: String) -> String {
    var candidates: [String] = []
    if let executable {
      let bin = URL(fileURLWithPath: executable).deletingLastPathComponent()
      candidates.append(
        bin.deletingLastPathComponent().appendingPathComponent("share/irectl/\(installed)").path)
      var directory = bin
      while directory.path != "/" {
        candidates.append(directory.appendingPathComponent(inCheckout).path)
        directory = directory.deletingLastPathComponent()
      }
    }
    if let sourceTree { candidates.append(sourceTree + "/" + inCheckout) }
    return candidates.first { FileManager.default.isReadableFile(atPath: $0) } ?? inCheckout
  }

  /// `irectl validate`'s board: this machine's where it has one, else the simulated reference
  /// board (whose limits are the reference board's).
  public var validationBoard: String {
    FileManager.default.fileExists(atPath: boardFile) ? boardFile : simulatorBoard
  }

  /// Where the last selftest's verdict is kept: beside the board's shared record when this user
  /// may write there (a technician of the group `irectl`), else in the user's state directory
  /// (`$XDG_STATE_HOME/irectl/`, by default `~/.local/state/irectl/`). `irectl info` reads both
  /// and shows the later.
  public func selftestStates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String]
  {
    let state =
      environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
      ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
    return [sharedDirectory + "/" + SelfTestVerdict.fileName, state + "/irectl/" + SelfTestVerdict.fileName]
  }

  /// Where the verdict of a selftest of `board` is kept: beside the shared record when the
  /// board is this machine's and this user may write there; the user's state directory for any
  /// other board file (one being brought up) or user.
  public func selftestStateForWriting(
    board: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    let shared = sharedDirectory
    let places = selftestStates(environment: environment)
    let thisBoard = URL(fileURLWithPath: board).standardizedFileURL.path == boardFile
    return thisBoard && isDirectory(shared) && access(shared, W_OK) == 0 ? places[0] : places[1]
  }

  private func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
  }
}
