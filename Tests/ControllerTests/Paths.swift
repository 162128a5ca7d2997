import Foundation

/// Files of the repository, found from this source file so that tests run from any directory.
enum Paths {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static func config(_ relative: String) -> String {
    root.appendingPathComponent("firmware-config/\(relative)").path
  }
  static let simBoard = config("boards/reference-sim.yaml")
  static func protocolFile(_ name: String) -> String { config("protocols/\(name).yaml") }
  /// A protocol kept for the tests only (Tests/Fixtures).
  static func fixture(_ name: String) -> String {
    root.appendingPathComponent("Tests/Fixtures/\(name).yaml").path
  }

  /// The built `irectl`, next to this package's build products: the one built with the test
  /// binary itself (so that a sanitizer's build, `--scratch-path .build-tsan`, runs its own
  /// `irectl` under the same sanitizer), else `.build/debug/irectl`.
  static var irectl: String {
    if let testBinary = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      let sibling = URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent(
        "irectl")
      if FileManager.default.isExecutableFile(atPath: sibling.path) { return sibling.path }
    }
    return root.appendingPathComponent(".build/debug/irectl").path
  }

  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("irectl-tests-\(getpid())-\(name)").path
  }

  /// Removes a record and every file beside it that carries its name (its write-ahead log,
  /// its claim, its opening lock, its sessions' locks).
  static func removeRecord(_ path: String) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    where file.hasPrefix(url.lastPathComponent) {
      try? FileManager.default.removeItem(atPath: directory + "/" + file)
    }
  }
}
