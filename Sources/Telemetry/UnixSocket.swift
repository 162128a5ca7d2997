import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A failure of the telemetry socket, with the call and the error number.
public struct TelemetryError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
  static func errno(_ call: String, _ path: String) -> TelemetryError {
    TelemetryError("\(call) \(path): \(String(cString: strerror(Glibc.errno)))")
  }
}

/// Unix-domain stream sockets, wrapped once: the controller listens, consoles connect.
public enum UnixSocket {
  /// Listens at `path`: creates its directory (mode 0750, with its parents), removes a socket left by a process
  /// that is gone, refuses to take over one another controller still serves, and makes the
  /// socket readable and writable by its owner and the owner's group (0660). Non-blocking.
  public static func listen(at path: String) throws -> Int32 {
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
      do {
        try FileManager.default.createDirectory(
          atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
      } catch {
        throw TelemetryError("cannot create \(directory): \(error.localizedDescription)")
      }
    }
    var existing = stat()
    if lstat(path, &existing) == 0 {
      // Only a socket (not a file given by mistake, not a link), and only one of this user's,
      // is ever removed; and only when nobody serves it any more.
      guard existing.st_mode & S_IFMT == S_IFSOCK, existing.st_uid == getuid() else {
        throw TelemetryError("\(path) exists and is not a telemetry socket of this user: choose another path")
      }
      if let probe = try? connect(to: path) {
        close(probe)
        throw TelemetryError("\(path): another controller is publishing telemetry there")
      }
      unlink(path)
    }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw TelemetryError.errno("socket", path) }
    do {
      var address = try socketAddress(path)
      let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
      guard bound == 0 else { throw TelemetryError.errno("bind", path) }
      guard chmod(path, 0o660) == 0 else { throw TelemetryError.errno("chmod", path) }
      guard Glibc.listen(fd, 16) == 0 else { throw TelemetryError.errno("listen", path) }
      try setNonBlocking(fd, path)
      return fd
    } catch {
      close(fd)
      throw error
    }
  }

  /// Connects to the socket at `path` (blocking connect, then non-blocking).
  public static func connect(to path: String) throws -> Int32 {
    var address = try socketAddress(path)
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw TelemetryError.errno("socket", path) }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard connected == 0 else {
      let error = TelemetryError.errno("connect", path)
      close(fd)
      throw error
    }
    try setNonBlocking(fd, path)
    return fd
  }

  /// The next connection waiting on `listener`, non-blocking and closed on exec; `nil` when
  /// none waits.
  public static func accept(_ listener: Int32) -> Int32? {
    while true {
      let fd = Glibc.accept(listener, nil, nil)
      if fd < 0 && errno == EINTR { continue }
      guard fd >= 0 else { return nil }
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      guard (try? setNonBlocking(fd, "a console's connection")) != nil else {
        close(fd)
        continue
      }
      return fd
    }
  }

  /// A pipe whose two ends do not block: one thread writes a byte to wake another from poll.
  public static func wakePipe() throws -> (read: Int32, write: Int32) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw TelemetryError("pipe: \(String(cString: strerror(errno)))") }
    for fd in ends {
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      try setNonBlocking(fd, "pipe")
    }
    return (ends[0], ends[1])
  }

  static func setNonBlocking(_ fd: Int32, _ path: String) throws {
    let flags = fcntl(fd, F_GETFL)
    guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
      throw TelemetryError.errno("fcntl", path)
    }
  }

  static func socketAddress(_ path: String) throws -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else {
      throw TelemetryError("\(path): a socket path may have at most \(capacity - 1) bytes")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      for (offset, byte) in bytes.enumerated() { buffer[offset] = byte }
      buffer[bytes.count] = 0
    }
    return address
  }
}

/// Bytes arriving on a stream, cut into lines. A line longer than `maximum` is an error: a
/// peer that sends one is not speaking the protocol.
public struct LineBuffer: Sendable {
  private var pending: [UInt8] = []
  public let maximum: Int

  public init(maximum: Int) { self.maximum = maximum }

  /// The unfinished line grew past `maximum`: the peer is not speaking the protocol.
  public private(set) var overflowed = false

  /// Appends `bytes`; returns the lines they completed (without their newline), even when
  /// what is left over `overflowed`.
  public mutating func append(_ bytes: ArraySlice<UInt8>) -> [Substring] {
    pending += bytes
    var lines: [Substring] = []
    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
      lines.append(Substring(String(decoding: pending[..<newline], as: UTF8.self)))
      pending.removeSubrange(...newline)
    }
    if pending.count > maximum { overflowed = true }
    return lines
  }
}
