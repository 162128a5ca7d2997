import Foundation

/// A minimal runner for checks that run where Swift Testing cannot: inside the kernel-driver
/// test VM, as one static-enough executable. Each check prints `PASS: name` or
/// `FAIL: name: why`, as the VM's shell checks do, and the harness counts both.
final class CheckRunner {
  private(set) var passed = 0
  private(set) var failed = 0

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  func check(_ name: String, _ body: () throws -> Void) {
    do {
      try body()
      passed += 1
      print("PASS: \(name)")
    } catch {
      failed += 1
      print("FAIL: \(name): \(error)")
    }
    fflush(nil)
  }

  /// Throws unless `condition`; `what` says what was found.
  static func expect(_ condition: Bool, _ what: @autoclosure () -> String) throws {
    if !condition { throw Failure(description: what()) }
  }

  /// Runs a tool of the VM (i2c-tools) and returns its standard output, trimmed. Spawned with
  /// posix_spawn: Foundation's Process needs more of the system than the test VM carries.
  static func run(_ tool: String, _ arguments: [String]) throws -> String {
    var pipe: [Int32] = [0, 0]
    try expect(Glibc.pipe(&pipe) == 0, "pipe: \(String(cString: strerror(errno)))")
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    let argv = ([tool] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, tool, &actions, nil, argv, environ)
    close(pipe[1])
    defer { close(pipe[0]) }
    try expect(spawned == 0, "cannot run \(tool): \(String(cString: strerror(spawned)))")
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = read(pipe[0], &buffer, buffer.count)
      if count <= 0 { break }
      output += buffer[0..<count]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    try expect(status == 0, "\(tool) \(arguments.joined(separator: " ")) failed (wait status \(status))")
    return text
  }
}
