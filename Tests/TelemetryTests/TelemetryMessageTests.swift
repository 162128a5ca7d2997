import Foundation
import Testing

@testable import Telemetry

/// The stream's lines: one JSON object each, versioned, snake_case keys; and what a console
/// may send back.
struct TelemetryMessageTests {
  @Test func aLineRoundTrips() throws {
    var pulse = TelemetryMessage(.pulse, at: 1234.5)
    pulse.index = 41
    pulse.pair = 2
    pulse.currentA = 31.25
    pulse.onsetErrorUs = 2.5
    let line = pulse.line()
    #expect(line.hasSuffix("\n"))
    #expect(line.filter { $0 == "\n" }.count == 1)
    #expect(line.contains("\"v\":1"))
    #expect(line.contains("\"type\":\"pulse\""))
    #expect(line.contains("\"current_a\":31.25"))
    #expect(line.contains("\"onset_error_us\":2.5"))
    #expect(TelemetryMessage.parse(Substring(line.dropLast())) == pulse)
  }

  @Test func anotherVersionOrNotJSONIsNotAMessage() {
    #expect(TelemetryMessage.parse("{\"v\":2,\"type\":\"pulse\"}") == nil)
    #expect(TelemetryMessage.parse("{\"type\":\"pulse\"}") == nil)
    #expect(TelemetryMessage.parse("pulse 41") == nil)
    #expect(TelemetryMessage.parse("{\"v\":1,\"type\":\"no-such-type\"}") == nil)
  }

  @Test func pauseAndAbortAreTaken() {
    #expect(ConsoleCommand.parse("{\"v\":1,\"command\":\"pause\"}") == .success(.pause))
    #expect(
      ConsoleCommand.parse("{\"v\":1,\"command\":\"abort\",\"reason\":\"patient moved\"}")
        == .success(.abort(reason: "patient moved")))
    #expect(
      ConsoleCommand.parse("{\"v\":1,\"command\":\"abort\"}")
        == .success(.abort(reason: "abort from a console")))
  }

  @Test func everythingElseIsRefusedWithAReason() throws {
    for command in ["resume", "acknowledge", "arm", "fire"] {
      guard case .failure(let refusal) = ConsoleCommand.parse("{\"v\":1,\"command\":\"\(command)\"}") else {
        Issue.record("\(command) was taken")
        continue
      }
      #expect(refusal.command == command)
      #expect(refusal.reason.contains("operator's terminal"))
    }
    for line in ["not json", "[1,2]", "{\"command\":\"pause\"}", "{\"v\":1}", "{\"v\":1,\"command\":7}"] {
      guard case .failure(let refusal) = ConsoleCommand.parse(Substring(line)) else {
        Issue.record("\(line) was taken")
        continue
      }
      #expect(refusal.command == nil)
      #expect(!refusal.reason.isEmpty)
    }
  }

  @Test func theDefaultSocketIsTheUsersOrTheServices() {
    let user = TelemetryLocation.defaultPath(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"])
    if getuid() == 0 {
      #expect(user == "/run/irectl/telemetry.sock")
    } else {
      #expect(user == "/run/user/1000/irectl/telemetry.sock")
    }
    #expect(TelemetryLocation.defaultPath(environment: [:]) == "/run/irectl/telemetry.sock")
  }

  @Test func linesAreCutAndOverlongOnesRefused() throws {
    var buffer = LineBuffer(maximum: 16)
    #expect(buffer.append(ArraySlice("ab\ncd".utf8)) == ["ab"])
    #expect(buffer.append(ArraySlice("e\n".utf8)) == ["cde"])
    #expect(!buffer.overflowed)
    #expect(buffer.append(ArraySlice(("ok\n" + String(repeating: "x", count: 17)).utf8)) == ["ok"])
    #expect(buffer.overflowed)
  }
}
