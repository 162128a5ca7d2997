import Controller
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The operator's terminal written to without ever trapping: a reader that is gone loses the
/// text, a long text gets out whole, whatever interrupts the writes.
@Suite("Terminal writer")
struct TerminalWriterTests {
  /// A pipe's two ends: read, write.
  func pipeEnds() throws -> (Int32, Int32) {
    var ends: [Int32] = [0, 0]
    try #require(pipe(&ends) == 0)
    return (ends[0], ends[1])
  }

  @Test func aReaderThatIsGoneLosesTheTextAndNothingTraps() throws {
    SignalRelay.ignoreBrokenPipes()
    let (reader, writer) = try pipeEnds()
    close(reader)
    defer { close(writer) }
    #expect(TerminalWriter.write("a line nobody reads\n", to: writer) == false)
    #expect(TerminalWriter.write("and another\n", to: writer) == false)
  }

  @Test func aClosedDescriptorLosesTheTextAndNothingTraps() throws {
    let (reader, writer) = try pipeEnds()
    close(reader)
    close(writer)
    #expect(TerminalWriter.write("into nothing\n", to: writer) == false)
  }

  /// A megabyte through a 64 KiB pipe read slowly, the writing thread interrupted by a signal
  /// again and again: write(2) returns short counts and EINTR, and the text still arrives
  /// whole and in order.
  @Test func aLongTextGetsOutWholeThroughShortWritesAndInterruptions() throws {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: the write is interrupted
    var previous = sigaction()
    sigaction(SIGUSR2, &action, &previous)
    defer { sigaction(SIGUSR2, &previous, nil) }

    let (reader, writer) = try pipeEnds()
    defer { close(reader) }
    let text = (0..<20_000).map { "line \($0) of a long text for the terminal\n" }.joined()
    final class Writing: @unchecked Sendable {
      let lock = NSLock()
      var thread: pthread_t?
      var finished = false
      var succeeded = false
      /// Interrupts the writing thread, while it has not finished (the lock keeps it alive).
      func interrupt() {
        lock.withLock {
          if let thread, !finished { pthread_kill(thread, SIGUSR2) }
        }
      }
    }
    let writing = Writing()
    let started = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      writing.lock.withLock { writing.thread = pthread_self() }
      started.signal()
      let succeeded = TerminalWriter.write(text, to: writer)
      writing.lock.withLock {
        writing.succeeded = succeeded
        writing.finished = true
      }
      close(writer)
    }
    started.wait()
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      writing.interrupt()
      let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { break }
      received += chunk.prefix(count)
      usleep(200)
    }
    #expect(writing.lock.withLock { writing.succeeded })
    #expect(received.count == text.utf8.count)
    #expect(String(decoding: received, as: UTF8.self) == text)
  }
}
