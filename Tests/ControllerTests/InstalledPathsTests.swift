import Controller
import Foundation
import Testing

/// The defaults of the commands, decided on a tree of the test's own standing for "/": the
/// board's files where the package put them, the user's elsewhere; the simulated board found
/// from where the executable is, installed or in a checkout.
@Suite("Where the defaults come from")
struct InstalledPathsTests {
  /// A fresh directory standing for "/", with the given files and directories under it.
  static func tree(_ name: String, files: [String] = [], directories: [String] = []) throws -> String {
    let root = Paths.temporary("tree-\(name)")
    try? FileManager.default.removeItem(atPath: root)
    for directory in directories {
      try FileManager.default.createDirectory(
        atPath: root + "/" + directory, withIntermediateDirectories: true)
    }
    for file in files {
      let path = root + "/" + file
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      #expect(FileManager.default.createFile(atPath: path, contents: Data("format: 1\n".utf8)))
    }
    return root
  }

  static let user = ["HOME": "/home/tech", "XDG_RUNTIME_DIR": "/run/user/1000"]

  @Test func treatWritesTheBoardsSharedRecordWhereItsDirectoryExists() throws {
    let board = try Self.tree("board", directories: ["var/lib/irectl", "run/irectl"])
    defer { try? FileManager.default.removeItem(atPath: board) }
    let paths = InstalledPaths(root: board)
    #expect(paths.treatmentRecord(environment: Self.user) == board + "/var/lib/irectl/records.sqlite")
    #expect(paths.treatmentSocket(environment: Self.user) == board + "/run/irectl/telemetry.sock")
  }

  @Test func elsewhereTreatKeepsTheUsersRecordAndSocket() throws {
    let laptop = try Self.tree("laptop")
    defer { try? FileManager.default.removeItem(atPath: laptop) }
    let paths = InstalledPaths(root: laptop)
    #expect(paths.treatmentRecord(environment: Self.user) == "/home/tech/.local/share/irectl/records.sqlite")
    // The user's socket; root has no runtime directory of its own, and serves the service's.
    #expect(
      paths.treatmentSocket(environment: Self.user)
        == (getuid() == 0 ? "/run/irectl/telemetry.sock" : "/run/user/1000/irectl/telemetry.sock"))
    #expect(paths.boardFile == laptop + "/etc/irectl/board.yaml")
  }

  @Test func theSimulatedBoardIsFoundBesideAnInstalledExecutable() throws {
    let installed = try Self.tree("installed", files: ["usr/share/irectl/boards/reference-sim.yaml"])
    defer { try? FileManager.default.removeItem(atPath: installed) }
    let paths = InstalledPaths(root: installed, executable: installed + "/usr/bin/irectl", sourceTree: nil)
    #expect(paths.simulatorBoard == installed + "/usr/share/irectl/boards/reference-sim.yaml")
  }

  @Test func theSimulatedBoardIsFoundInTheCheckoutAnExecutableWasBuiltIn() throws {
    let checkout = try Self.tree("checkout", files: ["src/firmware-config/boards/reference-sim.yaml"])
    defer { try? FileManager.default.removeItem(atPath: checkout) }
    let paths = InstalledPaths(
      root: checkout, executable: checkout + "/src/.build/x86_64-unknown-linux-gnu/debug/irectl",
      sourceTree: nil)
    #expect(paths.simulatorBoard == checkout + "/src/firmware-config/boards/reference-sim.yaml")
    // An executable copied away from its checkout still finds the tree it was built from.
    let copied = InstalledPaths(
      root: checkout, executable: "/opt/elsewhere/bin/irectl", sourceTree: checkout + "/src")
    #expect(copied.simulatorBoard == checkout + "/src/firmware-config/boards/reference-sim.yaml")
    // Nowhere to be found: the path relative to a checkout, for the error to name.
    let lost = InstalledPaths(root: checkout, executable: "/opt/elsewhere/bin/irectl", sourceTree: nil)
    #expect(lost.simulatorBoard == "firmware-config/boards/reference-sim.yaml")
  }

  @Test func validateUsesTheBoardsFileWhereThereIsOne() throws {
    let board = try Self.tree(
      "validate", files: ["etc/irectl/board.yaml", "usr/share/irectl/boards/reference-sim.yaml"])
    defer { try? FileManager.default.removeItem(atPath: board) }
    let paths = InstalledPaths(root: board, executable: board + "/usr/bin/irectl", sourceTree: nil)
    #expect(paths.validationBoard == board + "/etc/irectl/board.yaml")
    try FileManager.default.removeItem(atPath: board + "/etc/irectl/board.yaml")
    #expect(paths.validationBoard == board + "/usr/share/irectl/boards/reference-sim.yaml")
  }

  @Test func theVerdictOfTheBoardsSelftestIsKeptBesideItsRecordAnyOtherInTheUsers() throws {
    let board = try Self.tree("verdict", files: ["etc/irectl/board.yaml"], directories: ["var/lib/irectl"])
    defer { try? FileManager.default.removeItem(atPath: board) }
    let paths = InstalledPaths(root: board)
    let environment = ["HOME": "/home/tech", "XDG_STATE_HOME": "/home/tech/state"]
    #expect(
      paths.selftestStateForWriting(board: board + "/etc/irectl/board.yaml", environment: environment)
        == board + "/var/lib/irectl/selftest.json")
    #expect(
      paths.selftestStateForWriting(board: "/home/tech/my-board.yaml", environment: environment)
        == "/home/tech/state/irectl/selftest.json")
    #expect(
      paths.selftestStates(environment: ["HOME": "/home/tech"]).last
        == "/home/tech/.local/state/irectl/selftest.json")
  }
}
