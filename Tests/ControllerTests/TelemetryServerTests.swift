import Foundation
import Protocol
import Telemetry
import Testing

@testable import Controller

#if canImport(Glibc)
  import Glibc
#endif

/// The telemetry socket: every client gets every line in order, a client that stops reading
/// is dropped without holding anyone up, commands reach the handler, the socket's file is the
/// owner's and the group's, and a second controller cannot take over a live socket.
@Suite(.serialized) struct TelemetryServerTests {
  /// Reads lines from a client socket until `count` arrived or `seconds` passed.
  static func read(_ fd: Int32, lines count: Int, within seconds: Double = 10) -> [String] {
    var buffer = LineBuffer(maximum: 1 << 20)
    var lines: [String] = []
    var bytes = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(seconds)
    while lines.count < count, Date() < deadline {
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      _ = poll(&poller, 1, 100)
      let got = Glibc.read(fd, &bytes, bytes.count)
      if got > 0 { lines += buffer.append(bytes[0..<got]).map(String.init) }
      if got == 0 { break }
    }
    return lines
  }

  static func message(_ n: Int) -> TelemetryMessage {
    var message = TelemetryMessage(.pulse, at: Double(n))
    message.index = n
    return message
  }

  @Test func everyClientGetsTheHelloAndEveryLineInOrder() throws {
    let path = Paths.temporary("telemetry-order.sock")
    let server = try TelemetryServer(path: path)
    defer { server.stop() }
    var hello = TelemetryMessage(.hello)
    hello.protocolName = "p"
    server.publish(hello)
    let a = try UnixSocket.connect(to: path)
    let b = try UnixSocket.connect(to: path)
    defer {
      close(a)
      close(b)
    }
    #expect(Self.read(a, lines: 1).first.flatMap { TelemetryMessage.parse(Substring($0)) }?.type == .hello)
    #expect(Self.read(b, lines: 1).count == 1)
    for n in 0..<500 { server.publish(Self.message(n)) }
    for fd in [a, b] {
      let indices = Self.read(fd, lines: 500).compactMap { TelemetryMessage.parse(Substring($0))?.index }
      #expect(indices == Array(0..<500))
    }
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o660)
  }

  @Test func thePlannedCurrentsFollowTheHelloAndReachALateClientRightAfterIt() throws {
    let path = Paths.temporary("telemetry-plan.sock")
    let server = try TelemetryServer(path: path)
    defer { server.stop() }
    server.publish(TelemetryMessage(.hello))
    server.publish(Self.message(0))
    let board = try BoardFile.load(path: Paths.simBoard)
    let plan = try ProtocolFile.load(path: Paths.protocolFile("liver-4probe-box"), board: board)
    // Planned on another thread: the publisher returns at once.
    TelemetryPublisher.publishPlannedCurrents(of: plan, libraryPath: Paths.config("tissues.yaml"), to: server)
    let deadline = Date().addingTimeInterval(30)
    var lines: [TelemetryMessage] = []
    // A client that connects before the plan is known gets it after the replay; once it is known,
    // right after the hello.
    while Date() < deadline {
      let client = try UnixSocket.connect(to: path)
      lines = Self.read(client, lines: 3, within: 1).compactMap { TelemetryMessage.parse(Substring($0)) }
      close(client)
      if lines.map(\.type) == [.hello, .plan, .pulse] { break }
    }
    #expect(lines.map(\.type) == [.hello, .plan, .pulse])
    let planned = lines.count == 3 ? (lines[1].pairs ?? []).compactMap(\.plannedCurrentA) : []
    #expect(planned.count == 6)
    #expect(
      planned.prefix(4).allSatisfy { $0 > 11 && $0 < 13 }
        && planned.suffix(2).allSatisfy { $0 > 13 && $0 < 15 })
  }

  @Test func aClientThatStopsReadingIsDroppedAndTheOthersGetEverything() throws {
    let path = Paths.temporary("telemetry-slow.sock")
    let server = try TelemetryServer(path: path, queueLimit: 256 * 1024)
    defer { server.stop() }
    let stalled = try UnixSocket.connect(to: path)
    let reader = try UnixSocket.connect(to: path)
    defer {
      close(stalled)
      close(reader)
    }
    let accepted = Date().addingTimeInterval(10)
    while server.served < 2, Date() < accepted { Thread.sleep(forTimeInterval: 0.01) }
    #expect(server.served == 2)
    // About 1.5 MB: past the stalled client's socket buffer and queue. Published in steps, as
    // a treatment does, so that the reading client is never that far behind.
    let lines = 20_000
    let received = Thread.detachNewThreadWithResult { Self.read(reader, lines: lines, within: 60) }
    for n in 0..<lines {
      server.publish(Self.message(n))
      if n % 100 == 99 { usleep(500) }
    }
    let got = received.wait()
    #expect(got.count == lines)
    #expect(got.last.flatMap { TelemetryMessage.parse(Substring($0)) }?.index == lines - 1)
    #expect(server.dropped == 1)
  }

  @Test func commandsReachTheHandlerRefusalsToo() throws {
    let path = Paths.temporary("telemetry-commands.sock")
    let server = try TelemetryServer(path: path)
    defer { server.stop() }
    let seen = Locked<[Result<ConsoleCommand, ConsoleRefusal>]>([])
    server.onCommand { _, result, _ in seen.mutate { $0.append(result) } }
    let fd = try UnixSocket.connect(to: path)
    defer { close(fd) }
    let text = "{\"v\":1,\"command\":\"pause\"}\n{\"v\":1,\"command\":\"resume\"}\nnonsense\n"
    _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    let deadline = Date().addingTimeInterval(5)
    while seen.value.count < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    let results = seen.value
    #expect(results.count == 3)
    #expect(results.first == .success(.pause))
    if results.count == 3 {
      guard case .failure(let refusal) = results[1] else {
        Issue.record("resume was taken")
        return
      }
      #expect(refusal.command == "resume")
      guard case .failure = results[2] else {
        Issue.record("nonsense was taken")
        return
      }
    }
  }

  static func send(_ fd: Int32, _ text: String) -> Int {
    text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
  }

  static func waitUntil(within seconds: Double = 10, _ condition: () -> Bool) {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition(), Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
  }

  static let pause = "{\"v\":1,\"command\":\"pause\"}\n"

  /// Two clients flood the socket as fast as they can write: one with refused lines and pauses,
  /// one with pauses only; a console beside them sends one abort. The first flooder is closed
  /// for its refused lines; the second is heard (its pauses past the rate marked as repeats);
  /// the abort is heard, not as a repeat, and the console stays connected.
  @Test func aFloodingClientNeverDrownsAnotherConsolesAbort() throws {
    let path = Paths.temporary("telemetry-flood.sock")
    let server = try TelemetryServer(path: path)
    defer { server.stop() }
    let aborts = Locked<[String]>([])
    let refusals = Locked<[String]>([])
    let pauses = Locked<(heard: Int, repeats: Int)>((0, 0))
    server.onCommand { _, result, repeated in
      switch result {
      case .success(.abort(let reason)): aborts.mutate { $0.append(repeated ? "repeat: \(reason)" : reason) }
      case .success(.pause): pauses.mutate { $0 = ($0.heard + 1, $0.repeats + (repeated ? 1 : 0)) }
      case .failure(let refusal): refusals.mutate { $0.append(refusal.reason) }
      }
    }
    let flooder = try UnixSocket.connect(to: path)
    let pauser = try UnixSocket.connect(to: path)
    let console = try UnixSocket.connect(to: path)
    defer {
      close(flooder)
      close(pauser)
      close(console)
    }
    Self.waitUntil { server.served == 3 }
    let burst =
      String(repeating: Self.pause, count: 50)
      + String(repeating: "{\"v\":1,\"command\":\"arm\"}\n", count: 5)
      + String(repeating: "x", count: 3000) + "\n" + String(repeating: Self.pause, count: 50)
    let flood = Thread.detachNewThreadWithResult { () -> Int in
      var bytes = 0
      for _ in 0..<2000 {
        let sent = Self.send(flooder, burst)
        if sent < 0 && errno != EAGAIN { break }
        bytes += max(sent, 0)
      }
      return bytes
    }
    let pausing = Thread.detachNewThreadWithResult { () -> Int in
      var bytes = 0
      let pauses = String(repeating: Self.pause, count: 150)
      for _ in 0..<2000 {
        let sent = Self.send(pauser, pauses)
        if sent < 0 && errno != EAGAIN { break }
        bytes += max(sent, 0)
      }
      return bytes
    }
    Self.waitUntil { pauses.value.heard > 100 }
    #expect(Self.send(console, "{\"v\":1,\"command\":\"abort\",\"reason\":\"bleeding\"}\n") > 0)
    Self.waitUntil { !aborts.value.isEmpty }
    #expect(flood.wait() > 0)
    #expect(pausing.wait() > 0)
    #expect(pauses.value.repeats > 0)
    #expect(aborts.value == ["bleeding"])
    Self.waitUntil { server.dropped == 1 }
    #expect(server.dropped == 1)
    #expect(refusals.value.contains("more than 5 refused lines in a second; connection closed"))
    // The console is still served: a line published now reaches it.
    server.publish(Self.message(7))
    let lines = Self.read(console, lines: 1)
    #expect(lines.first.flatMap { TelemetryMessage.parse(Substring($0)) }?.index == 7)
  }

  /// Pauses and aborts are never limited: a console whose key repeats is heard every time and
  /// stays connected; refused lines after the rate close a client, but an abort sent with them
  /// is heard first.
  @Test func wellFormedCommandsAreNeverLimited() throws {
    let path = Paths.temporary("telemetry-rate.sock")
    let server = try TelemetryServer(path: path)
    defer { server.stop() }
    let seen = Locked<[Result<ConsoleCommand, ConsoleRefusal>]>([])
    let repeats = Locked<[Bool]>([])
    server.onCommand { _, result, repeated in
      seen.mutate { $0.append(result) }
      repeats.mutate { $0.append(repeated) }
    }
    let keyRepeat = try UnixSocket.connect(to: path)
    defer { close(keyRepeat) }
    #expect(Self.send(keyRepeat, String(repeating: Self.pause, count: 60)) > 0)
    Self.waitUntil { seen.value.count == 60 }
    #expect(seen.value.count == 60)
    #expect(seen.value.allSatisfy { $0 == .success(.pause) })
    // The first five are heard as commands, the rest as repeats: handed over all the same.
    #expect(repeats.value == Array(repeating: false, count: 5) + Array(repeating: true, count: 55))
    #expect(server.dropped == 0)

    let garbage = try UnixSocket.connect(to: path)
    defer { close(garbage) }
    let abort = "{\"v\":1,\"command\":\"abort\",\"reason\":\"r\"}\n"
    #expect(Self.send(garbage, String(repeating: "nonsense\n", count: 10) + abort) > 0)
    Self.waitUntil { seen.value.count >= 60 + 7 }
    let after = Array(seen.value.dropFirst(60))
    #expect(after.contains(.success(.abort(reason: "r"))))
    #expect(after.filter { if case .failure = $0 { true } else { false } }.count == 6)
    Self.waitUntil { server.dropped == 1 }
    #expect(server.dropped == 1)
  }

  /// A line past the limit closes the client, naming the limit; the complete lines before it
  /// are heard.
  @Test func anOverLongLineIsRefusedNamingTheLimit() throws {
    let path = Paths.temporary("telemetry-long.sock")
    let server = try TelemetryServer(path: path)
    defer { server.stop() }
    let seen = Locked<[Result<ConsoleCommand, ConsoleRefusal>]>([])
    server.onCommand { _, result, _ in seen.mutate { $0.append(result) } }
    let fd = try UnixSocket.connect(to: path)
    defer { close(fd) }
    #expect(Self.send(fd, Self.pause + String(repeating: "x", count: 5000)) > 0)
    Self.waitUntil { seen.value.count == 2 }
    #expect(seen.value.first == .success(.pause))
    #expect(
      seen.value.last
        == .failure(ConsoleRefusal(command: nil, reason: "line longer than 4096 bytes; connection closed")))
    Self.waitUntil { server.dropped == 1 }
    #expect(server.dropped == 1)
  }

  /// A client past the limit is told so, with the limit, and closed; the others are served.
  @Test func aClientPastTheLimitIsToldWhy() throws {
    let path = Paths.temporary("telemetry-full.sock")
    let server = try TelemetryServer(path: path)
    defer { server.stop() }
    var fds: [Int32] = []
    defer { for fd in fds { close(fd) } }
    for _ in 0..<TelemetryServer.maximumClients { fds.append(try UnixSocket.connect(to: path)) }
    Self.waitUntil { server.served == TelemetryServer.maximumClients }
    let extra = try UnixSocket.connect(to: path)
    fds.append(extra)
    let lines = Self.read(extra, lines: 1)
    let message = lines.first.flatMap { TelemetryMessage.parse(Substring($0)) }
    #expect(message?.type == .log)
    #expect(message?.text == "telemetry: refused: at most 16 consoles at once; connection closed")
    #expect(server.served == TelemetryServer.maximumClients)
  }

  @Test func aLiveSocketIsNotTakenOverAStaleOneIs() throws {
    let path = Paths.temporary("telemetry-takeover.sock")
    let server = try TelemetryServer(path: path)
    #expect(throws: TelemetryError.self) { _ = try TelemetryServer(path: path) }
    server.stop()
    // A socket file left by a process that died: bound, never served.
    let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      for (offset, byte) in path.utf8.enumerated() { buffer[offset] = byte }
    }
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    close(stale)
    #expect(FileManager.default.fileExists(atPath: path))
    let again = try TelemetryServer(path: path)
    again.stop()
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}

/// A value shared between a test and a callback thread.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value
  init(_ value: Value) { stored = value }
  var value: Value { lock.withLock { stored } }
  func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

extension Thread {
  /// Runs `body` on a new thread; `wait()` returns its result.
  static func detachNewThreadWithResult<T>(_ body: @escaping @Sendable () -> T) -> Pending<T> {
    let pending = Pending<T>()
    Thread.detachNewThread {
      let value = body()
      pending.set(value)
    }
    return pending
  }
}

final class Pending<T>: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var value: [T] = []
  func set(_ value: T) {
    self.value = [value]
    done.signal()
  }
  func wait() -> T {
    done.wait()
    return value[0]
  }
}
