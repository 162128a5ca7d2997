import Foundation
import Telemetry

#if canImport(Glibc)
  import Glibc
#endif

/// The pipe the signal handlers write to, so that the loop handles signals as input. A C
/// signal handler can reach only globals.
nonisolated(unsafe) private var signalPipe: Int32 = -1

/// `irectl monitor`: connects to the controller's telemetry socket (and keeps trying while
/// there is none), draws at most ten frames a second, and sends a pause or, confirmed, an
/// abort. It is a separate process: when it hangs or dies, the controller does not notice.
public final class MonitorApp {
  public static let framesPerSecond = 10.0
  let terminal: Terminal
  let client: TelemetryClient
  var model = MonitorModel()
  var renderer: ANSIRenderer
  var lines: LineMode
  var confirmingAbort = false
  /// The abort question has been drawn since `a` was pressed.
  var promptShown = false
  var dirty = true
  var lastFrame = 0.0
  var lastAttempt = -1.0
  var quit = false
  /// When the last line came: the controller sends one at least every second.
  var lastHeard = 0.0
  /// Compose a frame every tenth of a second even when nothing changed: the console's cost at
  /// its highest frame rate, for the benchmark.
  let everyFrame: Bool

  /// `socketPaths`: where to connect, tried in order at every attempt.
  public init(socketPaths: [String], everyFrame: Bool = false) {
    self.everyFrame = everyFrame
    terminal = Terminal()
    client = TelemetryClient(paths: socketPaths)
    renderer = ANSIRenderer(colour: terminal.colour)
    lines = LineMode()
  }

  /// Runs until `q`, Ctrl-C or a termination signal; the terminal is left as it was found.
  public func run() -> Int32 {
    var pipe: (read: Int32, write: Int32)
    do { pipe = try UnixSocket.wakePipe() } catch {
      FileHandle.standardError.write(Data("irectl monitor: \(error)\n".utf8))
      return 3
    }
    signalPipe = pipe.write
    // The console cannot be suspended (its terminal would stay raw): Ctrl-Z does nothing.
    signal(SIGTSTP, SIG_IGN)
    // A parent may have blocked these (the mask is inherited through exec): unblocked, so that
    // a hangup or a termination reaches the console whoever started it.
    var handled = sigset_t()
    sigemptyset(&handled)
    for number in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&handled, number) }
    pthread_sigmask(SIG_UNBLOCK, &handled, nil)
    for number in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
      signal(number) { received in
        var byte = UInt8(truncatingIfNeeded: received)
        _ = write(signalPipe, &byte, 1)
      }
    }
    signal(SIGPIPE, SIG_IGN)
    terminal.enterRawMode()
    if terminal.addressable { terminal.write(ANSIRenderer.enter) }
    defer {
      if terminal.addressable { terminal.write(ANSIRenderer.leave) }
      terminal.restore()
    }
    var buffer = [UInt8](repeating: 0, count: 64)
    // A console whose terminal is gone (a closed window, a dropped SSH session, a killed tmux)
    // ends: nobody can see it or type into it, and it would poll a dead terminal forever.
    let interactive = isatty(STDIN_FILENO) == 1
    while !quit {
      if interactive && isatty(STDIN_FILENO) != 1 { break }
      let now = Self.seconds()
      if !client.connected, now - lastAttempt >= 1 {
        lastAttempt = now
        client.connect()
        dirty = true
      }
      var fds = [pollfd(fd: pipe.read, events: Int16(POLLIN), revents: 0)]
      fds.append(pollfd(fd: isatty(STDIN_FILENO) == 1 ? STDIN_FILENO : -1, events: Int16(POLLIN), revents: 0))
      fds.append(pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0))
      let frameDue = lastFrame + 1 / Self.framesPerSecond - now
      let timeout = dirty ? max(frameDue, 0) : 1.0
      _ = poll(&fds, nfds_t(fds.count), Int32(timeout * 1000))
      if fds[0].revents != 0 {
        while true {
          let count = read(pipe.read, &buffer, buffer.count)
          guard count > 0 else { break }
          for byte in buffer.prefix(count) where Int32(byte) != SIGWINCH { quit = true }
          renderer.invalidate()
          dirty = true
        }
      }
      if fds[1].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { break }
      if fds[1].revents != 0 { keys(&buffer) }
      if client.connected, fds[2].revents != 0 {
        if let messages = client.receive() {
          for message in messages { model.apply(message) }
          if !messages.isEmpty {
            dirty = true
            lastHeard = Self.seconds()
          }
        } else {
          client.disconnect()
          lastAttempt = Self.seconds()
          dirty = true
        }
      }
      // The clock on the screen moves even when nothing arrives.
      if Self.seconds() - lastFrame >= (everyFrame ? 1 / Self.framesPerSecond : 1) { dirty = true }
      if dirty && Self.seconds() - lastFrame >= 1 / Self.framesPerSecond { draw() }
    }
    return 0
  }

  /// One read of the keyboard. An escape sequence (an arrow, a function key: ESC and what
  /// follows in the same read) is not a command. The abort is confirmed only by a `y` typed
  /// after the question was on the screen: what was typed ahead with the `a` is discarded.
  private func keys(_ buffer: inout [UInt8]) {
    let count = read(STDIN_FILENO, &buffer, buffer.count)
    guard count > 0 else {
      // An error other than an interruption: the terminal is gone. (Zero bytes is not the end
      // of input in raw mode, where a read may return with nothing; a hangup shows in poll.)
      if count < 0 && errno != EINTR && errno != EAGAIN { quit = true }
      return
    }
    dirty = true
    let bytes = buffer.prefix(count)
    if bytes.first == 0x1B { return }
    for byte in bytes {
      if byte == 0x1B { return }
      let key = Character(UnicodeScalar(byte))
      if confirmingAbort {
        confirmingAbort = false
        if (key == "y" || key == "Y") && promptShown {
          client.send(command: "abort", reason: "aborted from the console")
        }
        return
      }
      switch key {
      case "p", "P": client.send(command: "pause")
      case "a", "A":
        confirmingAbort = client.connected
        promptShown = false
        if confirmingAbort {
          tcflush(STDIN_FILENO, TCIFLUSH)
          return
        }
      case "q", "Q": quit = true
      default: break
      }
    }
  }

  private func draw() {
    lastFrame = Self.seconds()
    dirty = false
    let silent = Self.seconds() - lastHeard
    let notice: String? =
      client.connected
      ? (model.outcome == nil && model.hello != nil && silent > 3
        ? "NO DATA from the controller for \(Int(silent)) s"
        : nil)
      : model.outcome != nil
        ? "controller closed the session (treatment \(model.outcome ?? "ended")); waiting for the next one at \(client.path)"
        : "waiting for controller at \(client.path)\(client.lastError.map { " (\($0))" } ?? "")"
    if confirmingAbort { promptShown = true }
    let layout = MonitorLayout(
      model: model, socketPath: client.path,
      prompt: confirmingAbort ? " ABORT the treatment? press y to confirm, any other key to cancel " : nil,
      notice: notice)
    if terminal.addressable {
      let size = terminal.size
      terminal.write(renderer.render(layout.draw(rows: size.rows, columns: size.columns)))
    } else {
      terminal.write(lines.update(model: model, notice: notice, prompt: layout.prompt))
    }
  }

  static func seconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }
}
