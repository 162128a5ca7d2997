import Foundation
import Units

#if canImport(Glibc)
  import Glibc
#endif

/// Every value the kernel sets on a GPIO line, from its `gpio:gpio_value` trace event.
///
/// gpio-sim offers an output's level only as a file to poll, and a fire edge lasts a few
/// microseconds: polling would miss most of them. The kernel's trace event misses none, and
/// it costs the controller nothing it would not pay on hardware. A reader blocked in `changes`
/// is woken by the event itself (the trace buffer's wake-up), not by a timer.
public final class GPIOTrace {
  public struct Change {
    public var line: Int
    public var value: Bool
    /// When the kernel set the value, on CLOCK_MONOTONIC (the trace clock is set to `mono`).
    public var at: Instant
  }

  private let fd: Int32
  private var pending: [UInt8] = []

  /// Enables the event, stamps it on CLOCK_MONOTONIC (the clock of the controller and of the
  /// edges) and opens `trace_pipe` under `tracefs` (normally /sys/kernel/tracing).
  public init(tracefs: String) throws {
    try "mono".write(toFile: "\(tracefs)/trace_clock", atomically: false, encoding: .utf8)
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
      guard let range = text.range(of: ": gpio_value: ") else { continue }
      let fields = text[range.upperBound...].split(separator: " ")
      guard fields.count == 3, fields[1] == "set", let line = Int(fields[0]),
        let stamp = text[..<range.lowerBound].split(separator: " ").last, let at = GPIOTrace.instant(stamp)
      else { continue }
      changes.append(Change(line: line, value: fields[2] == "1", at: at))
    }
    return changes
  }

  /// A trace timestamp, `seconds.microseconds`.
  static func instant(_ text: Substring) -> Instant? {
    let parts = text.split(separator: ".")
    guard parts.count == 2, let seconds = Int64(parts[0]), parts[1].count == 6, let micros = Int64(parts[1])
    else { return nil }
    return Instant(nanoseconds: seconds * 1_000_000_000 + micros * 1000)
  }
}
