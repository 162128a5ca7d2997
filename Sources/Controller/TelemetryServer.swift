import Foundation
import Telemetry

#if canImport(Glibc)
  import Glibc
#endif

/// The telemetry socket: any number of consoles read the treatment as newline-delimited JSON
/// and may send the commands that make things safer.
///
/// It runs on its own thread. `publish` (called by the thread that drains the treatment's
/// events, never by the timing thread) only appends to each client's queue under a lock and
/// wakes the server thread; the server thread writes without blocking. A client whose queue
/// passes `queueLimit` bytes (it stopped reading, or reads too slowly) is dropped: a console is
/// never a reason for the controller to wait.
public final class TelemetryServer: @unchecked Sendable {
  public let path: String
  /// Bytes a client may have waiting before it is dropped.
  public let queueLimit: Int
  private let listener: Int32
  private let wake: (read: Int32, write: Int32)
  private let lock = NSLock()
  private var clients: [Int32: Client] = [:]
  private var history = TelemetryHistory()
  private var stopping = false
  private var thread: Thread?
  private let finished = DispatchSemaphore(value: 0)
  private var commandHandler: @Sendable (String, Result<ConsoleCommand, ConsoleRefusal>) -> Void = { _, _ in }
  private var droppedCount = 0
  private var servedCount = 0
  /// Clients dropped for falling behind or breaking the protocol, and clients served.
  public var dropped: Int { lock.withLock { droppedCount } }
  public var served: Int { lock.withLock { servedCount } }

  private final class Client {
    let fd: Int32
    var queue: [UInt8] = []
    var sent = 0
    var input = LineBuffer(maximum: 4096)
    /// Command lines in the current second: a console sends a few a minute; a client that
    /// sends more than `commandsPerSecond` is not a console and is dropped.
    var commands = 0
    var second = 0.0
    init(fd: Int32) { self.fd = fd }
    var waiting: Int { queue.count - sent }
  }

  /// At most this many clients at once: each may hold `queueLimit` bytes.
  public static let maximumClients = 16
  public static let commandsPerSecond = 5

  /// Listens at `path` (see `UnixSocket.listen`) and starts serving.
  public init(path: String, queueLimit: Int = 1 << 20) throws {
    self.path = path
    self.queueLimit = queueLimit
    listener = try UnixSocket.listen(at: path)
    do { wake = try UnixSocket.wakePipe() } catch {
      close(listener)
      throw error
    }
    let thread = Thread { [self] in serve() }
    thread.name = "irectl-telemetry"
    self.thread = thread
    thread.start()
  }

  /// What to do with a console's command line (already parsed): called on the server thread.
  public func onCommand(
    _ handler: @escaping @Sendable (String, Result<ConsoleCommand, ConsoleRefusal>) -> Void
  ) {
    lock.withLock { commandHandler = handler }
  }

  /// Sends `message` to every client, and keeps what a console connecting later needs.
  public func publish(_ message: TelemetryMessage) {
    let line = message.line()
    let bytes = Array(line.utf8)
    lock.withLock {
      history.add(message, line: line)
      for client in clients.values { enqueue(bytes, to: client) }
    }
    poke()
  }

  /// Waits (at most `limit` seconds) until every client has been sent what was published: the
  /// last lines of a treatment reach the consoles before the socket closes.
  public func flush(within limit: Double = 1) {
    let deadline = Date().addingTimeInterval(limit)
    while Date() < deadline {
      let pending = lock.withLock { clients.values.contains { $0.waiting > 0 } }
      if !pending { return }
      poke()
      usleep(2000)
    }
  }

  /// Stops serving: closes every client and the socket, and removes the socket file.
  public func stop() {
    let wasRunning = lock.withLock { () -> Bool in
      defer { stopping = true }
      return !stopping
    }
    guard wasRunning else { return }
    poke()
    finished.wait()
    close(wake.read)
    close(wake.write)
  }

  deinit { stop() }

  private func poke() {
    guard !lock.withLock({ stopping }) else { return }
    var byte: UInt8 = 1
    _ = write(wake.write, &byte, 1)
  }

  /// Caller holds the lock.
  private func enqueue(_ bytes: [UInt8], to client: Client) {
    if client.waiting + bytes.count > queueLimit {
      client.queue = []
      client.sent = -1  // marked: dropped at the next turn of the server loop
      return
    }
    if client.sent > 0 && client.sent == client.queue.count {
      client.queue.removeAll(keepingCapacity: true)
      client.sent = 0
    }
    if client.sent >= 0 { client.queue += bytes }
  }

  private func serve() {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      var fds = [
        pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
        pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
      ]
      let done = lock.withLock { () -> Bool in
        for client in clients.values where client.sent < 0 { drop(client) }
        for client in clients.values {
          fds.append(
            pollfd(
              fd: client.fd, events: Int16(POLLIN) | (client.waiting > 0 ? Int16(POLLOUT) : 0), revents: 0))
        }
        return stopping
      }
      if done { break }
      _ = poll(&fds, nfds_t(fds.count), 1000)
      if fds[1].revents != 0 { while read(wake.read, &buffer, buffer.count) > 0 {} }
      if fds[0].revents & Int16(POLLIN) != 0 { accept() }
      for entry in fds.dropFirst(2) where entry.revents != 0 {
        let client = lock.withLock { clients[entry.fd] }
        guard let client else { continue }
        if entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { receive(client, &buffer) }
        if entry.revents & Int16(POLLOUT) != 0, client.sent >= 0 { send(client) }
      }
    }
    lock.withLock { for client in clients.values { drop(client, counted: false) } }
    close(listener)
    unlink(path)
    finished.signal()
  }

  private func accept() {
    while true {
      guard let fd = UnixSocket.accept(listener) else {
        // Out of descriptors (EMFILE, ENFILE): the listener stays readable; wait a little
        // rather than spin.
        if errno == EMFILE || errno == ENFILE { usleep(100_000) }
        return
      }
      let full = lock.withLock { clients.count >= Self.maximumClients }
      if full {
        close(fd)
        continue
      }
      let replay = lock.withLock { history.replay() }.map { Array($0.utf8) }
      lock.withLock {
        let client = Client(fd: fd)
        clients[fd] = client
        servedCount += 1
        for line in replay { enqueue(line, to: client) }
      }
    }
  }

  private func receive(_ client: Client, _ buffer: inout [UInt8]) {
    let count = read(client.fd, &buffer, buffer.count)
    if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
      lock.withLock { drop(client, counted: false) }
      return
    }
    guard count > 0 else { return }
    let (lines, overflowed) = lock.withLock {
      (client.input.append(buffer[0..<count]), client.input.overflowed)
    }
    let handler = lock.withLock { commandHandler }
    // The complete lines are heard first; a line longer than any command then closes the
    // client: it is not a console speaking the protocol.
    defer {
      if overflowed {
        handler(
          "(over-long line)",
          .failure(ConsoleRefusal(command: nil, reason: "line longer than 4096 bytes; connection closed")))
        lock.withLock { drop(client) }
      }
    }
    for line in lines where !line.allSatisfy(\.isWhitespace) {
      let now = Date().timeIntervalSince1970
      let flooding = lock.withLock { () -> Bool in
        if now - client.second >= 1 {
          client.second = now
          client.commands = 0
        }
        client.commands += 1
        return client.commands > Self.commandsPerSecond
      }
      if flooding {
        handler(
          "(flood)",
          .failure(
            ConsoleRefusal(
              command: nil,
              reason: "more than \(Self.commandsPerSecond) commands in a second; connection closed")))
        lock.withLock { drop(client) }
        return
      }
      handler(clean(line, 200), ConsoleCommand.parse(line))
    }
  }

  private func send(_ client: Client) {
    lock.withLock {
      guard client.sent >= 0, client.waiting > 0 else { return }
      // MSG_NOSIGNAL: a console that went away must not kill the controller with SIGPIPE.
      let written = client.queue[client.sent...].withUnsafeBytes {
        Glibc.send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if written > 0 {
        client.sent += written
        // A client that keeps up but never quite drains: the sent part goes, now and then.
        if client.sent > 65536 && client.sent * 2 > client.queue.count {
          client.queue.removeFirst(client.sent)
          client.sent = 0
        }
      } else if written < 0 && errno != EAGAIN && errno != EINTR {
        drop(client, counted: false)
      }
    }
  }

  /// Caller holds the lock.
  private func drop(_ client: Client, counted: Bool = true) {
    guard clients.removeValue(forKey: client.fd) != nil else { return }
    client.sent = -1  // nothing more is written to a closed descriptor
    client.queue = []
    close(client.fd)
    if counted { droppedCount += 1 }
  }
}
