import Foundation
import GRDB

@testable import Record

/// Records for the record's tests: fresh files, sessions, and records written by earlier
/// versions of the software.
enum RecordFixtures {
  /// A path for a record that does not exist yet, removed with its companions by `remove`.
  static func temporary(_ name: String) -> String {
    let path =
      FileManager.default.temporaryDirectory.appendingPathComponent("irectl-record-tests-\(getpid())-\(name)")
      .path
    remove(path)
    return path
  }

  /// Removes a record and every file beside it that carries its name (WAL, locks).
  static func remove(_ path: String) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let name = url.lastPathComponent
    for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    where file.hasPrefix(name) {
      try? FileManager.default.removeItem(atPath: directory + "/" + file)
    }
  }

  /// A simulated session of one pair; `id` names it.
  static func session(_ id: String, protocolName: String = "record-test") -> SessionInfo {
    SessionInfo(
      id: id, backend: "simulator", simulated: true, device: "reference-board-sim",
      boardFile: "firmware-config/boards/reference-sim.yaml", boardSHA256: String(repeating: "ab", count: 32),
      protocolName: protocolName, protocolFile: "\(protocolName).yaml",
      protocolSHA256: String(repeating: "cd", count: 32), softwareVersion: "test", operatorName: "tester",
      seed: 1, startedAt: "2026-01-01T00:00:00Z", setSize: 10, delayMs: nil, windowMs: nil,
      pairs: [SessionInfo.Pair(index: 0, anode: 1, cathode: 2, voltageV: 2250, spacingMM: 15)])
  }

  /// Another connection (a query, a backup) takes the record's write lock and keeps it for
  /// `seconds`, on its own thread; returns once it holds the lock, with what signals its end.
  static func holdWriteLock(_ path: String, for seconds: Double) throws -> DispatchSemaphore {
    var configuration = Configuration()
    configuration.busyMode = .timeout(5)
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    let held = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      do {
        try queue.writeWithoutTransaction { db in
          try db.execute(sql: "BEGIN IMMEDIATE")
          held.signal()
          Thread.sleep(forTimeInterval: seconds)
          try db.execute(sql: "COMMIT")
        }
      } catch {
        held.signal()
      }
      done.signal()
    }
    held.wait()
    return done
  }

  /// A file of this directory.
  static func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
      .path
  }
}
