import HAL

/// Every call the controller makes into the simulated board, numbered: each GPIO read and
/// write, each wait for an edge, each SMBus transfer, each sleep. A fast simulation is
/// deterministic from its seed, so step k is the same call in every run of the same protocol
/// and seed: an interruption scheduled "at step k" lands at exactly that point of the
/// controller's code, between two of its calls to the hardware, whatever the clock says.
public final class StepLog {
  /// What a step was.
  public enum Kind: Hashable, Sendable {
    case read(LineRole)
    case write(LineRole, Bool)
    case edgeWait
    case busRead(address: UInt8, register: UInt8)
    case busWrite(address: UInt8, register: UInt8)
    case sleep
    case sleepPrecisely
  }

  /// Steps taken so far; the next one is `count + 1`.
  public private(set) var count = 0
  /// Sees every step as it begins, before its action (the explorer's map of a run).
  public var observer: ((Int, Kind) -> Void)?
  /// Actions to run right before a given step, in step order.
  private var actions: [(step: Int, action: () -> Void)] = []

  public init() {}

  /// Runs `action` right before step `step` (at once, before the next step, if it is past).
  public func schedule(atStep step: Int, _ action: @escaping () -> Void) {
    let index = actions.firstIndex { $0.step > step } ?? actions.endIndex
    actions.insert((step, action), at: index)
  }

  /// Forgets every action not yet run (`SimulatedClock.dropScheduled`).
  public func dropScheduled() { actions.removeAll() }

  /// The controller is about to make a call into the board.
  func take(_ kind: Kind) {
    count += 1
    observer?(count, kind)
    while let next = actions.first, next.step <= count {
      actions.removeFirst()
      next.action()
    }
  }
}
