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
  /// The controller's step of the latest read of each input line (`LineRole.interlockInputs`
  /// order; 0 before the first): what a fire edge's last look saw, and when.
  private(set) var lastReadSteps = [Int](repeating: 0, count: LineRole.interlockInputs.count)

  init(board: SimulatedBoard) {
    self.board = board
    for role in LineRole.outputs { outputs[role] = role.safeValue ?? false }
  }

  /// What the controller last drove `role` to (not a step: the simulation's own look).
  public func output(_ role: LineRole) -> Bool { outputs[role] ?? false }

  public func read(_ role: LineRole) throws -> Bool {
    board.clock.steps.take(.read(role))
    if let index = LineRole.interlockInputs.firstIndex(of: role) {
      lastReadSteps[index] = board.clock.steps.count
    }
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

extension LineRole {
  /// The inputs a fire edge's last look reads (`PulseGenerator`): a change on any of them
  /// before that look must stop the edge.
  public static let interlockInputs: [LineRole] = [
    .estopOK, .footswitchA, .footswitchB, .lidClosed, .hwFault,
  ]
}
