#if canImport(Glibc)
  import Glibc
#endif

/// A failed system or library call: its C name and the `errno` it left.
///
/// Every call into libc, libgpiod and libi2c goes through `SystemCall`, so that this is the only
/// way a failure leaves the C world, and every message names the call and the error number.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The C function, as a person would look it up (`gpiod_line_request`, `open /dev/i2c-1`).
  public var call: String
  public var errno: Int32

  public init(call: String, errno: Int32) {
    self.call = call
    self.errno = errno
  }

  /// `strerror(errno)` and the symbolic name, e.g. "Device or resource busy (EBUSY)".
  public var reason: String {
    let text = String(cString: strerror(errno))
    return SystemError.names[errno].map { "\(text) (\($0))" } ?? "\(text) (errno \(errno))"
  }

  public var description: String { "\(call): \(reason)" }

  /// The error numbers a GPIO or I2C user meets, by name: what an engineer searches for.
  static let names: [Int32: String] = [
    EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO", EBADF: "EBADF",
    EAGAIN: "EAGAIN", EACCES: "EACCES", EBUSY: "EBUSY", ENODEV: "ENODEV", EINVAL: "EINVAL",
    ENOTTY: "ENOTTY", EOPNOTSUPP: "EOPNOTSUPP", ETIMEDOUT: "ETIMEDOUT", EREMOTEIO: "EREMOTEIO",
    EPROTO: "EPROTO", ENOMEM: "ENOMEM",
  ]
}

/// The one place where a C call's failure becomes a `SystemError`, and where `EINTR` (a signal
/// arrived during the call) is retried rather than reported: a signal is not a failure.
enum SystemCall {
  /// Calls `body` until it returns something other than an `EINTR` failure. A negative result
  /// is a failure: libgpiod returns -1 and sets `errno`; libi2c returns `-errno` itself.
  static func check(_ call: @autoclosure () -> String, _ body: () -> Int32) throws(SystemError) -> Int32 {
    while true {
      let result = body()
      if result >= 0 { return result }
      let code = result == -1 ? Glibc.errno : -result
      if code == EINTR { continue }
      throw SystemError(call: call(), errno: code)
    }
  }

  /// For calls that return a pointer, `NULL` (with `errno`) on failure.
  static func check<T>(_ call: @autoclosure () -> String, _ body: () -> T?) throws(SystemError) -> T {
    while true {
      if let value = body() { return value }
      let code = Glibc.errno
      if code == EINTR { continue }
      throw SystemError(call: call(), errno: code)
    }
  }
}
