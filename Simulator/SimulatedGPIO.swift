import HAL
import Units

/// The board's lines as the simulator presents them: logical values through the board file's
/// active-low settings, outputs that act on the simulated world, and `ecg_trigger` edges queued
/// with their timestamps as the kernel queues them.
public final class SimulatedGPIO: GPIOLines {
  private unowned let board: SimulatedBoard
  private var outputs: [LineRole: Bool] = [:]
  /// Index of the next trigger edge nobody has consumed yet.
  private var nextTrigger = 0
  /// The controller's step of the latest read of each line the last look reads: what a fire
  /// edge's look saw, and when.
  private(set) var lastReadSteps = LookReadSteps()

  init(board: SimulatedBoard) {
    self.board = board
    for role in LineRole.outputs { outputs[role] = role.safeValue ?? false }
  }

  /// What the controller last drove `role` to (not a step: the simulation's own look).
  public func output(_ role: LineRole) -> Bool { outputs[role] ?? false }

  public func read(_ role: LineRole) throws -> Bool {
    board.clock.steps.take(.read(role))
    lastReadSteps.note(role, atStep: board.clock.steps.count)
    board.clock.chargeAccess()
    if role.direction == .output { return output(role) }
    let physical = try board.physicalInput(role)
    return physical != (board.description.gpio.lines[role]?.activeLow ?? false)
  }

  public func write(_ role: LineRole, _ value: Bool) throws {
    board.clock.steps.take(.write(role, value))
    board.clock.chargeAccess()
    guard role.direction == .output else { throw HALError.wrongDirection(role: role) }
    let previous = output(role)
    outputs[role] = value
    if previous != value { board.outputChanged(role, to: value) }
  }

  public func nextEdge(on role: LineRole, notAfter deadline: Instant) throws -> Edge? {
    board.clock.steps.take(.edgeWait)
    guard role.watchesEdges else { throw HALError.wrongDirection(role: role) }
    if let edge = try board.heart.triggerEdge(nextTrigger, notAfter: deadline) {
      nextTrigger += 1
      // The waiting thread wakes a little after the edge, as on a real kernel.
      board.clock.sleepUncounted(until: max(edge, board.clock.now))
      return Edge(role: role, rising: true, timestamp: edge)
    }
    board.clock.sleepUncounted(until: deadline)
    return nil
  }
}

/// The step of the latest read of each of the last look's lines (`LineRole.lastLookLines`), 0
/// for one never read. Five numbers in place: a fire edge keeps a copy without touching the
/// heap (the pulse loop allocates nothing, `Benchmarks/PulseAllocations`).
public struct LookReadSteps: Sendable, Equatable {
  private var estopOK = 0
  private var footswitchA = 0
  private var footswitchB = 0
  private var lidClosed = 0
  private var hwFault = 0

  /// The step of `role`'s latest read; `nil` for a line the last look does not read.
  public subscript(role: LineRole) -> Int? {
    switch role {
    case .estopOK: estopOK
    case .footswitchA: footswitchA
    case .footswitchB: footswitchB
    case .lidClosed: lidClosed
    case .hwFault: hwFault
    case .hvEnable, .bleedRelease, .pulseFire, .watchdogKick, .beeper, .ecgTrigger, .hvReady: nil
    }
  }

  mutating func note(_ role: LineRole, atStep step: Int) {
    switch role {
    case .estopOK: estopOK = step
    case .footswitchA: footswitchA = step
    case .footswitchB: footswitchB = step
    case .lidClosed: lidClosed = step
    case .hwFault: hwFault = step
    case .hvEnable, .bleedRelease, .pulseFire, .watchdogKick, .beeper, .ecgTrigger, .hvReady: break
    }
  }
}
