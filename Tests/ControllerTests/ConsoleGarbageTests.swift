import Foundation
import Telemetry
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What arrives on the console socket that is not a console's command (binary junk, lines that
/// are not JSON, commands nobody knows, a line far past the size limit, a message cut off
/// half-way, clients that come and go, a flood) leaves a running treatment as it would have
/// been: the same outcome, the same pulses on the same pairs, nothing paused or aborted.
@Suite(.serialized) struct ConsoleGarbageTests {
  /// The parts of a real-time treatment's summary that do not depend on how the machine's
  /// scheduler timed it: the outcome (with its fault's interlock and reason, if any, so that a
  /// failure says why), and each pulse's pair, kind and polarity, in order.
  static func essentials(_ summary: [String: Any]) -> [String] {
    let pulses = (summary["pulses"] as? [[String: Any]]) ?? []
    let fault = (summary["fault"] as? [String: Any]).map {
      "fault \($0["interlock"] ?? "?"): \($0["reason"] ?? "?")"
    }
    return ["outcome \(summary["outcome"] ?? "none")", "abort \(summary["abort_reason"] ?? "none")"]
      + (fault.map { [$0] } ?? [])
      + pulses.map { "\($0["pair"] ?? "?") \($0["kind"] ?? "?") \($0["polarity"] ?? "?")" }
  }

  /// What a hostile or broken client sends, one after another, as fast as the socket takes it.
  static func garbage(_ socket: String, until stop: Locked<Bool>) -> Int {
    var sent = 0
    var junk = [UInt8](repeating: 0, count: 4096)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    while !stop.value {
      guard let fd = try? UnixSocket.connect(to: socket) else { continue }
      defer { close(fd) }
      for index in junk.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        junk[index] = UInt8(truncatingIfNeeded: state >> 56)
      }
      _ = junk.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      for line in [
        "not json at all\n", "{\"v\":1,\"command\":\"fire\"}\n", "{\"v\":99,\"command\":\"pause\"}\n",
        "{\"v\":1,\"command\":\"pause\",\"extra\":\n", "[1,2,3]\n", "{}\n", "\u{0}\u{1}\u{2}\n",
        String(repeating: "x", count: 9000) + "\n", "{\"v\":1,\"comm",
      ] {
        if TelemetryServerTests.send(fd, line) > 0 { sent += 1 }
      }
    }
    return sent
  }

  /// A quiet treatment, then the same treatment under a flood of garbage from its first pulse.
  struct Run {
    let quiet: ConsoleTerminalTests.Treatment
    let treatment: ConsoleTerminalTests.Treatment
    let quietStatus: Int32
    let status: Int32
    let sent: Int
    let pulsed: Bool

    init(_ attempt: Int) throws {
      quiet = try ConsoleTerminalTests.Treatment(HostStall.named("garbage-quiet", attempt))
      quietStatus = quiet.finish()
      treatment = try ConsoleTerminalTests.Treatment(HostStall.named("garbage", attempt))
      let console = try ConsoleFloodTests.connect(treatment.socket)
      defer { Glibc.close(console) }
      // Checked after the repeat: a treatment the machine stalled before its first pulse is
      // run again like any other.
      pulsed = ConsoleFloodTests.read(console, within: 60) { $0.type == .pulse }
      guard pulsed else {
        if treatment.process.isRunning { treatment.process.terminate() }
        (status, sent) = (treatment.finish(), 0)
        return
      }
      let stop = Locked(false)
      let socket = treatment.socket
      let flood = Thread.detachNewThreadWithResult { ConsoleGarbageTests.garbage(socket, until: stop) }
      status = treatment.finish()
      stop.mutate { $0 = true }
      sent = flood.wait()
    }

    var stalled: Bool {
      HostStall.timingFault(summary: quiet.summary) || HostStall.timingFault(summary: treatment.summary)
    }

    func close() {
      quiet.close()
      treatment.close()
    }
  }

  @Test func garbageOnTheSocketLeavesTheTreatmentAsItWouldHaveBeen() throws {
    let run = try HostStall.attempt("garbage on the socket", { try Run($0) }, stalled: { $0.stalled })
    defer { run.close() }
    try #require(run.pulsed, "no pulse within 60 s:\n\(run.treatment.logTail())")
    let quiet = run.quiet
    let treatment = run.treatment
    let status = run.status
    let sent = run.sent
    #expect(run.quietStatus == 0, "\(quiet.logTail())")
    let expected = Self.essentials(try quiet.summaryJSON())
    #expect(sent > 100, "only \(sent) messages of garbage were sent")
    #expect(status == 0, "\(treatment.logTail())")
    let summary = try treatment.summaryJSON()
    let got = Self.essentials(summary)
    #expect(got == expected, "\(treatment.logTail())")
    #expect(expected.count == 52, "the outcome, no abort and 50 pulses: \(expected.prefix(3))")

    // The record kept the flood at its rate: five refused lines a counting second one by
    // one, and a count of the rest; each as `clean` leaves text from a client (nothing it
    // would replace, at most 200 characters of the line before ": " and the reason).
    let refused = try ConsoleTerminalTests.rows(treatment.record).filter {
      $0["table"] == "interlock_events" && $0["event"] == "console_refused"
    }
    let seconds = (summary["duration_ms"] as? Double ?? 0) / 1000
    let counts = refused.filter { ($0["reason"] ?? "").hasPrefix("refused lines: ") }
    #expect(refused.count <= Int(seconds.rounded(.up) + 1) * 6, "\(refused.count) rows in \(seconds) s")
    #expect(!counts.isEmpty, "no row counts the refusals past the rate")
    for reason in refused.map({ $0["reason"] ?? "" }) {
      #expect(clean(reason, reason.count) == reason, "\(reason)")
      #expect(reason.count <= 200 + 2 + 120, "\(reason.count) characters: \(reason.prefix(80))")
    }
  }
}
