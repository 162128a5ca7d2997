import Foundation
import Telemetry

#if canImport(Glibc)
  import Glibc
#endif

/// The consoles of `irectl bench timing --consoles N`: a telemetry server, N − 1 clients that
/// read and decode every line on their own threads, and one that connects and never reads.
final class BenchConsoles: @unchecked Sendable {
  let server: TelemetryServer
  private let path: String
  private let stalled: Int32
  private var readers: [Thread] = []
  private let lock = NSLock()
  private var lines: [Int] = []
  private let done = DispatchSemaphore(value: 0)
  private var running = true
  private let count: Int

  init(count: Int) throws {
    self.count = count
    path = NSTemporaryDirectory() + "irectl-bench-consoles-\(getpid()).sock"
    server = try TelemetryServer(path: path)
    stalled = try UnixSocket.connect(to: path)
    for _ in 0..<(count - 1) {
      let fd = try UnixSocket.connect(to: path)
      let thread = Thread { [self] in read(fd) }
      thread.start()
      readers.append(thread)
    }
  }

  private func read(_ fd: Int32) {
    var buffer = LineBuffer(maximum: 1 << 20)
    var bytes = [UInt8](repeating: 0, count: 65536)
    var seen = 0
    while lock.withLock({ running }) {
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      _ = poll(&poller, 1, 100)
      let got = Glibc.read(fd, &bytes, bytes.count)
      if got == 0 { break }
      guard got > 0 else { continue }
      for line in buffer.append(bytes[0..<got]) where TelemetryMessage.parse(line) != nil { seen += 1 }
    }
    close(fd)
    lock.withLock { lines.append(seen) }
    done.signal()
  }

  /// Stops the server (which closes every client) and the readers; what the run saw.
  func finish() -> TimingBenchmark.ConsoleLoad {
    server.flush()
    let dropped = server.dropped
    server.stop()
    lock.withLock { running = false }
    for _ in readers { done.wait() }
    close(stalled)
    return TimingBenchmark.ConsoleLoad(
      reading: count - 1, stalled: 1, dropped: dropped, linesPerConsole: lock.withLock { lines.min() ?? 0 })
  }
}
