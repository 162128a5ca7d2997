import Units

/// An edge seen on an input line, with the time the backend saw it (the kernel's timestamp on
/// CLOCK_MONOTONIC for the Linux backend, the virtual clock for the simulator).
public struct Edge: Sendable, Hashable {
  public var role: LineRole
  /// `true` for a rising logical edge (inactive to active).
  public var rising: Bool
  public var timestamp: Instant
  /// Edges of this line the backend lost before this one (the kernel dropped them from a full
  /// queue): the edge before this one is not the previous edge. 0 where none was lost, and
  /// where the backend cannot tell (libgpiod 1).
  public var lost: Int
  public init(role: LineRole, rising: Bool, timestamp: Instant, lost: Int = 0) {
    self.role = role
    self.rising = rising
    self.timestamp = timestamp
    self.lost = lost
  }
}

/// The board's GPIO lines, by role. Values are logical: a line the board file marks active-low
/// reads `true` when it is electrically low. Implemented by the Linux backend (libgpiod) and the
/// simulator.
public protocol GPIOLines: AnyObject {
  /// The current logical value of a line (an output reads back what was last written).
  func read(_ role: LineRole) throws -> Bool
  /// Drives an output line to a logical value.
  func write(_ role: LineRole, _ value: Bool) throws
  /// The next unconsumed edge on `role` (which must watch edges), waiting no later than
  /// `deadline`. Edges are queued, as the kernel queues them: an edge that happened while
  /// nobody waited is returned with its original timestamp. `nil` when the deadline passed.
  func nextEdge(on role: LineRole, notAfter deadline: Instant) throws -> Edge?
}

extension GPIOLines {
  /// Drives every output that has a safe value to it. Errors are collected rather than thrown
  /// at the first, so that one failed line never leaves the others unsafe.
  @discardableResult
  public func driveSafe() -> [HALError] {
    var errors: [HALError] = []
    for role in LineRole.outputs {
      guard let safe = role.safeValue else { continue }
      do { try write(role, safe) } catch let error as HALError { errors.append(error) } catch {
        errors.append(.io(String(describing: error)))
      }
    }
    return errors
  }
}
