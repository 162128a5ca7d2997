import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Every value the kernel sets on a GPIO line, from its `gpio:gpio_value` trace event.
///
/// gpio-sim offers an output's level only as a file to poll, and a fire edge lasts a few
/// microseconds: polling would miss most of them. The kernel's trace event misses none, and
/// it costs the controller nothing it would not pay on hardware.
public final class GPIOTrace {
  public struct Change {
    public var line: Int
    public var value: Bool
  }

  private let fd: Int32
  private var pending: [UInt8] = []

  /// Enables the event and opens `trace_pipe` under `tracefs` (normally /sys/kernel/tracing).
  public init(tracefs: String) throws {
    try "1".write(toFile: "\(tracefs)/events/gpio/gpio_value/enable", atomically: false, encoding: .utf8)
    fd = open("\(tracefs)/trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      throw FixtureError("cannot open \(tracefs)/trace_pipe: \(String(cString: strerror(errno)))")
    }
  }

  deinit { close(fd) }

  /// The changes logged since the last call, waiting up to `timeout` for the first.
  public func changes(waiting timeout: Int32) -> [Change] {
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    _ = poll(&poller, 1, timeout)
    var buffer = [UInt8](repeating: 0, count: 16384)
    while true {
      let count = read(fd, &buffer, buffer.count)
      if count <= 0 { break }
      pending += buffer[0..<count]
    }
    var changes: [Change] = []
    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
      let text = String(decoding: pending[..<newline], as: UTF8.self)
      pending.removeSubrange(...newline)
      // "   task-123  [000] .....  12.345678: gpio_value: 1011 set 1"
      guard let range = text.range(of: "gpio_value: ") else { continue }
      let fields = text[range.upperBound...].split(separator: " ")
      guard fields.count == 3, fields[1] == "set", let line = Int(fields[0]) else { continue }
      changes.append(Change(line: line, value: fields[2] == "1"))
    }
    return changes
  }
}
