import Foundation
import Telemetry
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A real-time simulated treatment with two clients on its console socket: one floods it with
/// pauses as fast as it can write (more than the timing loop's command ring holds), the other
/// sends one abort. The abort acts: the treatment ends aborted and the abort is recorded; the
/// flood's repeats act too, and are not recorded one by one.
@Suite(.serialized) struct ConsoleFloodTests {
  /// Connects to `socket` once the treatment has opened it.
  static func connect(_ socket: String, within seconds: Double = 60) throws -> Int32 {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
      do { return try UnixSocket.connect(to: socket) } catch {
        if Date() > deadline { throw error }
        Thread.sleep(forTimeInterval: 0.05)
      }
    }
  }

  /// Reads the stream until a message satisfies `condition`.
  static func read(
    _ fd: Int32, within seconds: Double, until condition: (TelemetryMessage) -> Bool
  ) -> Bool {
    var buffer = LineBuffer(maximum: 1 << 20)
    var bytes = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      _ = poll(&poller, 1, 100)
      let got = Glibc.read(fd, &bytes, bytes.count)
      if got == 0 { return false }
      guard got > 0 else { continue }
      for line in buffer.append(bytes[0..<got]) {
        if let message = TelemetryMessage.parse(line), condition(message) { return true }
      }
    }
    return false
  }

  /// One flood: what the test checks of it.
  struct Flood {
    var treatment: ConsoleTerminalTests.Treatment
    var pulsed: Bool
    var sent: Int
    var status: Int32
    var pauses: Int
    var seconds: Int
  }

  /// Starts a treatment, floods it with pauses from one client once it pulses, aborts it from
  /// another half a second later, and waits for its end.
  static func flood(_ name: String) throws -> Flood {
    let treatment = try ConsoleTerminalTests.Treatment(name)
    let console = try Self.connect(treatment.socket)
    defer { close(console) }
    guard Self.read(console, within: 60, until: { $0.type == .pulse }) else {
      if treatment.process.isRunning { treatment.process.terminate() }
      return Flood(
        treatment: treatment, pulsed: false, sent: -1, status: treatment.finish(), pauses: 0, seconds: 0)
    }
    let pauser = try UnixSocket.connect(to: treatment.socket)
    defer { close(pauser) }
    let stop = Locked(false)
    let start = Date()
    let flood = Thread.detachNewThreadWithResult { () -> Int in
      let burst = String(repeating: TelemetryServerTests.pause, count: 150)
      var bytes = 0
      while !stop.value {
        let sent = TelemetryServerTests.send(pauser, burst)
        if sent < 0 && errno != EAGAIN { break }
        bytes += max(sent, 0)
      }
      return bytes / TelemetryServerTests.pause.utf8.count
    }
    Thread.sleep(forTimeInterval: 0.5)
    let abort = "{\"v\":1,\"command\":\"abort\",\"reason\":\"bleeding\"}\n"
    let sent = TelemetryServerTests.send(console, abort)
    let status = treatment.finish()
    stop.mutate { $0 = true }
    let pauses = flood.wait()
    return Flood(
      treatment: treatment, pulsed: true, sent: sent, status: status, pauses: pauses,
      seconds: Int(Date().timeIntervalSince(start)) + 1)
  }

  @Test func aPauseFloodNeverKeepsAConsolesAbortFromTheTreatment() throws {
    let flood = try HostStall.attempt(
      "console flood", { try Self.flood("console-flood-\($0)") },
      stalled: { HostStall.timingFault(summary: $0.treatment.summary) })
    let treatment = flood.treatment
    defer { treatment.close() }
    try #require(flood.pulsed, "no pulse within 60 s:\n\(treatment.logTail())")
    #expect(flood.sent > 0, "the treatment ended before the abort:\n\(treatment.logTail())")
    #expect(flood.status == 1)
    #expect(flood.pauses > 1000)
    let commands = try ConsoleTerminalTests.rows(treatment.record).filter { $0["event"] == "console_command" }
    #expect(commands.contains { $0["reason"]?.contains("bleeding") == true })
    // At most five a second of one client's commands are recorded one by one.
    let recordedPauses = commands.filter { $0["reason"]?.hasPrefix("pause:") == true }.count
    #expect(recordedPauses <= 5 * flood.seconds, "\(recordedPauses) pauses recorded in \(flood.seconds) s")
  }
}
