import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Processes opening one record take turns.
///
/// Opening a record may write it: SQLite's write-ahead log is switched on, and the schema's
/// migrations are applied to a new (or an older) record. Two processes doing that at once — a
/// treatment starting while `irectl records`, `report` or `info` opens the same file — both
/// find the schema missing (which migrations are applied is read before each migration's
/// transaction begins), and the second replays what the first has just committed and fails
/// ("table sessions already exists"); or its switch to the log meets the other's lock. The
/// treatment would then not start. So whoever opens the record holds an flock on
/// `RECORD.opening.lock` from before SQLite opens the file until the schema is current: for
/// a few milliseconds, never while a treatment runs. A treatment's claim (`RECORD.lock`) is
/// another lock, held for the treatment's life; readers never wait for it.
extension TreatmentRecord {
  /// Where openers of the record take turns, beside it.
  static func openingLockPath(_ path: String) -> String { "\(path).opening.lock" }

  /// How long an opener waits for another to finish opening before it gives up: opening takes
  /// milliseconds, so a lock held this long belongs to a process that is stuck (stopped, or
  /// its disk is).
  static let openingWait: TimeInterval = 10

  /// Runs `body` holding the record's opening lock, waiting at most `wait` for it.
  static func whileOpening<T>(_ path: String, wait: TimeInterval = openingWait, _ body: () throws -> T) throws
    -> T
  {
    let lockPath = openingLockPath(path)
    let descriptor = openFile(lockPath, O_RDWR | O_CREAT | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw OpenError(
        path: path, detail: "cannot open its lock \(lockPath): \(String(cString: strerror(errno)))")
    }
    // Closing the descriptor releases the lock, also when `body` throws.
    defer { close(descriptor) }
    // The monotonic clock: a board without a battery-backed clock steps its wall clock at boot.
    let deadline = DispatchTime.now() + wait
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      let reason = errno
      guard reason == EWOULDBLOCK || reason == EINTR else {
        throw OpenError(path: path, detail: "cannot lock \(lockPath): \(String(cString: strerror(reason)))")
      }
      guard DispatchTime.now() < deadline else {
        throw OpenError(
          path: path,
          detail: "another process has been opening it for over \(wait) s (it holds \(lockPath));"
            + " it may be stopped: end it, or try again")
      }
      usleep(2_000)
    }
    return try body()
  }
}
