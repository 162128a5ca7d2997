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
  private var commandHandler: @Sendable (String, Result<ConsoleCommand, ConsoleRefusal>, Bool) -> Void = {
    _, _, _ in
  }
  private var droppedCount = 0
  private var servedCount = 0
  /// Clients dropped for falling behind or breaking the protocol, and clients served.
  public var dropped: Int { lock.withLock { droppedCount } }
  public var served: Int { lock.withLock { servedCount } }

  private final class Client {
    let fd: Int32
    var queue: [UInt8] = []
    var sent = 0
    var input = LineBuffer(maximum: TelemetryServer.maximumLineBytes)
    /// Refused lines in the current second: a console sends a few commands a minute; a client
    /// that sends more than `refusedLinesPerSecond` lines that are not a pause or an abort is not a
    /// console and is dropped. A well-formed pause or abort is never dropped.
    var refused = 0
    /// Pauses and aborts in the current second, and which of them were handed over as heard
    /// for the first time (see `onCommand`).
    var commands = 0
    var heard: Set<String> = []
    var second = 0.0
    init(fd: Int32) { self.fd = fd }
    var waiting: Int { queue.count - sent }
  }

  /// At most this many clients at once: each may hold `queueLimit` bytes. One more is told so
  /// (a `log` line naming the limit) and closed.
  public static let maximumClients = 16
  /// Refused lines (not a pause or an abort) a client may send in one second, and pauses and
  /// aborts a client may send in one second before a repeat is marked as one.
  public static let refusedLinesPerSecond = 5
  public static let commandsPerSecond = 5
  /// The longest line a client may send: a command is well under 300 bytes.
  public static let maximumLineBytes = 4096

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

  /// What to do with a console's command line (already parsed): called on the server thread,
  /// with the line (cleaned), what it asks for, and whether it repeats a command the same client
  /// already sent in the same second past `commandsPerSecond` (a key held down, or a flood). A
  /// repeat must still act, like any pause or abort; it need not be recorded again, which keeps
  /// a flood out of the record.
  public func onCommand(
    _ handler: @escaping @Sendable (String, Result<ConsoleCommand, ConsoleRefusal>, _ repeated: Bool) -> Void
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
        refuse(fd)
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

  /// A connection past `maximumClients`: one line says why, then it is closed (without
  /// waiting: a client that does not read it loses only the explanation).
  private func refuse(_ fd: Int32) {
    var message = TelemetryMessage(.log)
    message.text =
      "telemetry: refused: at most \(Self.maximumClients) consoles at once; connection closed"
    let line = Array(message.line().utf8)
    _ = line.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    close(fd)
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
          .failure(
            ConsoleRefusal(
              command: nil,
              reason: "line longer than \(Self.maximumLineBytes) bytes; connection closed")), false)
        lock.withLock { drop(client) }
      }
    }
    // Every well-formed pause and abort is handed over, whatever else the client sent and
    // however fast: no limit stands between a console and the commands that make things safer.
    // Only refused lines count against the rate; past it the client is closed, once what it
    // sent is heard.
    var flooding = false
    for line in lines where !line.allSatisfy(\.isWhitespace) {
      let command = ConsoleCommand.parse(line)
      let now = Date().timeIntervalSince1970
      lock.withLock {
        if now - client.second >= 1 {
          client.second = now
          client.refused = 0
          client.commands = 0
          client.heard = []
        }
      }
      if case .success(let taken) = command {
        let kind: String
        switch taken {
        case .pause: kind = "pause"
        case .abort: kind = "abort"
        }
        let repeated = lock.withLock { () -> Bool in
          client.commands += 1
          let repeated = client.commands > Self.commandsPerSecond && client.heard.contains(kind)
          client.heard.insert(kind)
          return repeated
        }
        handler(clean(line, 200), command, repeated)
        continue
      }
      guard !flooding else { continue }
      flooding = lock.withLock { () -> Bool in
        client.refused += 1
        return client.refused > Self.refusedLinesPerSecond
      }
      if flooding {
        handler(
          "(flood)",
          .failure(
            ConsoleRefusal(
              command: nil,
              reason: "more than \(Self.refusedLinesPerSecond) refused lines in a second; connection closed")),
          false)
      } else {
        handler(clean(line, 200), command, false)
      }
    }
    if flooding { lock.withLock { drop(client) } }
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
