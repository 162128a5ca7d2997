import Foundation
import Telemetry

#if canImport(Glibc)
  import Glibc
#endif

/// The console's side of the telemetry socket: connects (and reconnects), reads lines, sends
/// commands.
final class TelemetryClient {
  /// Where to look, in order (the user's socket, then the service's, when none was named).
  let paths: [String]
  /// The socket connected to, or the first to try.
  private(set) var path: String
  private(set) var fd: Int32 = -1
  private var input = LineBuffer(maximum: 1 << 20)
  /// Why the last attempt to connect failed, for the "waiting" line.
  private(set) var lastError: String?

  init(paths: [String]) {
    self.paths = paths
    path = paths.first ?? TelemetryLocation.defaultPath()
  }

  var connected: Bool { fd >= 0 }

  /// One attempt to connect.
  func connect() {
    guard fd < 0 else { return }
    for candidate in paths {
      do {
        fd = try UnixSocket.connect(to: candidate)
        path = candidate
        lastError = nil
        input = LineBuffer(maximum: 1 << 20)
        return
      } catch {
        if candidate == paths.first { lastError = String(describing: error) }
      }
    }
  }

  func disconnect() {
    if fd >= 0 { close(fd) }
    fd = -1
  }

  /// Reads what is there; the messages in it, or `nil` when the controller went away.
  func receive() -> [TelemetryMessage]? {
    var buffer = [UInt8](repeating: 0, count: 65536)
    var messages: [TelemetryMessage] = []
    while true {
      let count = read(fd, &buffer, buffer.count)
      if count > 0 {
        let lines = input.append(buffer[0..<count])
        guard !input.overflowed else { return nil }
        messages += lines.compactMap(TelemetryMessage.parse)
        continue
      }
      if count < 0 && (errno == EAGAIN || errno == EINTR) { return messages }
      return messages.isEmpty ? nil : messages
    }
  }

  /// Sends a command line (`{"v":1,"command":...}`).
  func send(command: String, reason: String? = nil) {
    guard fd >= 0 else { return }
    var object: [String: Any] = ["v": TelemetryMessage.currentVersion, "command": command]
    if let reason { object["reason"] = reason }
    guard let data = try? JSONSerialization.data(withJSONObject: object) else { return }
    let bytes = Array(data) + [UInt8(ascii: "\n")]
    _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  }
}
