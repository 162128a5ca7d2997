import Controller
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `irectl simulate --monitor`: the console in this terminal, as its own process (a console
/// that hangs or dies never stalls a pulse), while this process runs the treatment. The
/// operator's lines are held until the console closes, so that they do not tear its screen.
final class ConsoleChild: @unchecked Sendable {
  let socket: String
  private var pid: pid_t = 0
  private let lock = NSLock()
  private var held: [String] = []

  init(socket: String) { self.socket = socket }

  /// Fails unless there is a terminal to show the console on.
  func check() throws {
    guard isatty(STDOUT_FILENO) == 1 else {
      throw ValidationErrorText("--monitor needs a terminal; run irectl monitor separately")
    }
  }

  /// Starts `irectl monitor --socket ...` on this terminal, with signals unblocked: called
  /// once the socket listens, so that the console never meets another controller's socket.
  func start() throws {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    let executable = "/proc/self/exe"
    let arguments = ["irectl", "monitor", "--socket", socket]
    let argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let status = posix_spawn(&pid, executable, nil, &attributes, argv, environ)
    guard status == 0 else {
      throw ValidationErrorText("cannot start the console: \(String(cString: strerror(status)))")
    }
  }

  func hold(_ line: String) { lock.withLock { held.append(line) } }

  /// Waits for the console to close (the technician presses q), then shows the held lines.
  /// When the run failed, or was stopped by a signal (a service stopping), the console is
  /// closed at once: there is nothing to watch, and nobody may be there to press q.
  func finish(failed: Bool = false) {
    if pid > 0 && (failed || SignalRelay.received) { kill(pid, SIGTERM) }
    if pid > 0 {
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
    for line in lock.withLock({ held }) { TerminalWriter.say(line) }
  }
}

struct ValidationErrorText: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
