#if canImport(Glibc)
  import Glibc
#endif

/// Text for the operator's terminal (standard error, or standard output), written so that a
/// terminal that is gone cannot stop a treatment.
///
/// `FileHandle.write` traps when the write fails, and a terminal fails often enough: an SSH
/// session that drops gives EIO, a pipe whose reader quit gives EPIPE (SIGPIPE is ignored by
/// irectl, so it is an error rather than death). This writer uses write(2) itself: it goes on
/// after EINTR and after a partial write, and on any error drops the rest of the text. Nothing
/// on a treatment's path waits for, or dies of, a terminal.
public enum TerminalWriter {
  /// Writes `text` to `descriptor`; whether all of it got out. On any error but EINTR the rest
  /// is dropped (a descriptor set non-blocking by someone else and full, too: never waited on).
  @discardableResult
  public static func write(_ text: String, to descriptor: Int32 = STDERR_FILENO) -> Bool {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { buffer -> Bool in
      guard let base = buffer.baseAddress else { return true }
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
        if written > 0 {
          offset += written
        } else if written < 0 && errno == EINTR {
          continue
        } else {
          return false
        }
      }
      return true
    }
  }

  /// Writes one line of irectl's own to standard error: `irectl: TEXT`.
  public static func say(_ text: String) {
    write("irectl: \(text)\n")
  }
}
