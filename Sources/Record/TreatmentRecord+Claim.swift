import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The record refused to a second treatment: another process holds its claim.
public struct RecordInUse: Error, CustomStringConvertible, Equatable {
  public var path: String
  /// The process holding the claim, when it could be read from the lock.
  public var holder: Int32?
  public init(path: String, holder: Int32?) {
    self.path = path
    self.holder = holder
  }
  public var description: String {
    "the record \(path) is in use by another treatment"
      + (holder.map { " (process \($0))" } ?? "")
      + ": one treatment writes a record at a time; let it end, or give this one another record"
  }
}

extension TreatmentRecord {
  /// Where the claim of the treatment writing the record lives, beside the record.
  var claimPath: String { "\(path).lock" }

  /// Claims the record for this process's treatment: a second treatment writing the same file
  /// at the same time is refused (`RecordInUse`) before anything moves, rather than fighting
  /// over every commit. The claim is an flock on `RECORD.lock`, held until `releaseClaim`, the
  /// record's end, or the process's end however it ends. Reading the record (`irectl records`,
  /// `report`) takes no claim and goes on while a treatment writes. Claiming twice is harmless.
  public func claimForTreatment() throws {
    guard claim < 0 else { return }
    let descriptor = TreatmentRecord.openFile(claimPath, O_RDWR | O_CREAT | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw OpenError(
        path: path, detail: "cannot open its lock \(claimPath): \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let reason = errno
      defer { close(descriptor) }
      guard reason == EWOULDBLOCK else {
        throw OpenError(path: path, detail: "cannot lock \(claimPath): \(String(cString: strerror(reason)))")
      }
      throw RecordInUse(path: path, holder: Self.holder(in: descriptor))
    }
    // The holder's process id, for the message of whoever is refused next.
    let text = Array("\(getpid())\n".utf8)
    if ftruncate(descriptor, 0) == 0 {
      _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }
    claim = descriptor
  }

  /// Gives the claim up: the treatment has closed its session.
  public func releaseClaim() {
    guard claim >= 0 else { return }
    close(claim)
    claim = -1
  }

  /// The process id written in the lock by its holder.
  private static func holder(in descriptor: Int32) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return nil }
    let text = String(decoding: buffer.prefix(count), as: UTF8.self)
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0 > 0 ? $0 : nil }
  }
}
