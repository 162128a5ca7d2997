import CGPIOD
import HAL
import Protocol
import Units

#if canImport(Glibc)
  import Glibc
#endif

/// The board's lines through the kernel's GPIO character device and libgpiod, 1.x or 2.x
/// (`GPIOLibrary`; CGPIOD is one API over both).
///
/// Every line of the board file is requested once, at open, under one consumer name, and held
/// until `close()`: the lines of one chip in one request (with libgpiod 1, one per line), outputs
/// with their safe value as the initial value (so that requesting a line never drives it
/// anywhere unsafe, not even for a microsecond), inputs with the board file's bias, active-low
/// applied by the kernel so that every value here is logical, and the trigger input as a
/// rising-edge event line whose events the kernel stamps on CLOCK_MONOTONIC (set explicitly with
/// libgpiod 2, the kernel's only clock for libgpiod 1) and numbers, so that a dropped edge is
/// counted (`Edge.lost`, libgpiod 2 only).
public final class LinuxGPIO: GPIOLines {
  /// What was found for each role, in `LineRole.allCases` order: a selftest prints it.
  public let lines: [LineReport]
  /// The chips that could not be opened, each with why and, for a missing permission, the file's
  /// group and mode and the command that fixes it. Empty on a healthy board.
  public let chipProblems: [String]
  /// Where each role is held, by `LineRole.ordinal`; never nil once `open` succeeded.
  private var slots: [Slot?]
  /// The requests, one per chip: released (and their chips closed) by `close()`.
  private var requests: [Request]
  /// The last sequence number of an edge read, by `LineRole.ordinal`: the next one tells how
  /// many the kernel dropped in between.
  private var lastSequence: [UInt32]
  private var closed = false

  /// One line of the board: where it was looked for, where it was found, whether it is held.
  public struct LineReport: Sendable {
    public var role: LineRole
    public var locator: LineLocator
    /// `gpiochipN offset K`, when found.
    public var foundAt: String?
    public var problem: HALError?
  }

  /// A role's line within its chip's request.
  struct Slot {
    var request: OpaquePointer
    var index: Int
    var chip: GPIOChips.Chip
    var offset: Int
  }

  /// Finds and requests every line, or fails naming every line that could not be had (and
  /// releases those that could).
  public static func open(_ configuration: GPIOConfiguration) throws(HALError) -> LinuxGPIO {
    let gpio = LinuxGPIO(configuration)
    let problems = gpio.lines.compactMap(\.problem)
    guard problems.isEmpty else {
      gpio.release()
      if problems.count == 1 && gpio.chipProblems.isEmpty { throw problems[0] }
      throw .io((gpio.chipProblems + problems.map(\.description)).joined(separator: "; "))
    }
    return gpio
  }

  /// Tries every line and keeps what it could request; `lines` says how each went. Use `open`
  /// to treat: a board with a missing line is not fit to treat.
  public init(_ configuration: GPIOConfiguration) {
    slots = Array(repeating: nil, count: LineRole.allCases.count)
    lastSequence = Array(repeating: 0, count: LineRole.allCases.count)
    requests = []
    let chips = GPIOChips.scan()
    chipProblems = chips.unopened.map(\.description)
    var reports: [LineReport] = []
    var wanted: [(chip: GPIOChips.Chip, lines: [Wanted])] = []
    for role in LineRole.allCases {
      guard let spec = configuration.lines[role] else {
        reports.append(
          LineReport(
            role: role, locator: .name(role.rawValue), foundAt: nil,
            problem: .lineUnavailable(role: role, detail: "the board file does not name it")))
        continue
      }
      var report = LineReport(role: role, locator: spec.locator, foundAt: nil, problem: nil)
      do {
        let (chip, offset) = try chips.locate(role, spec.locator)
        report.foundAt = "\(chip.name) offset \(offset)"
        let line = Wanted(role: role, spec: spec, offset: offset)
        if let group = wanted.firstIndex(where: { $0.chip === chip }) {
          wanted[group].lines.append(line)
        } else {
          wanted.append((chip, [line]))
        }
      } catch {
        report.problem = error
      }
      reports.append(report)
    }
    for (chip, lines) in wanted {
      let (request, problems) = LinuxGPIO.request(lines, on: chip, consumer: configuration.consumer)
      if let request {
        requests.append(request)
        for (index, line) in request.lines.enumerated() {
          slots[line.role.ordinal] = Slot(
            request: request.handle, index: index, chip: chip, offset: line.offset)
        }
      }
      for (role, problem) in problems {
        if let index = reports.firstIndex(where: { $0.role == role }) { reports[index].problem = problem }
      }
    }
    lines = reports
  }

  deinit { close() }

  /// Where a line of the board file is, found as `open` finds it, without requesting it: the
  /// kernel-driver tests look at the same lines from the simulator's side.
  public static func find(_ role: LineRole, _ locator: LineLocator) throws(HALError) -> LineLocation {
    let (chip, offset) = try GPIOChips.scan().locate(role, locator)
    return LineLocation(chip: chip.name, label: chip.label, offset: offset)
  }

  /// The clock the kernel stamps `role`'s edges with, as it reports it now for the requested
  /// line (`gpiod_line_info_get_event_clock`); `.unreported` with libgpiod 1.
  public func eventClock(of role: LineRole) throws(HALError) -> EdgeClock {
    let slot = try handle(role)
    return slot.chip.eventClock(of: slot.offset)
  }

  /// Drives every output to its safe value, then releases every line. A released line keeps
  /// its last value on real hardware, so going safe comes first.
  public func close() {
    guard !closed else { return }
    driveSafe()
    release()
  }

  private func release() {
    closed = true
    slots = slots.map { _ in nil }
    requests = []  // each request is released, then its chip closed (`Request.deinit`)
  }

  public func read(_ role: LineRole) throws -> Bool {
    let slot = try handle(role)
    return try value(role, GPIOLibrary.getCall) { irectl_gpio_get_value(slot.request, slot.index) } == 1
  }

  public func write(_ role: LineRole, _ value: Bool) throws {
    guard role.direction == .output else { throw HALError.wrongDirection(role: role) }
    let slot = try handle(role)
    _ = try self.value(role, GPIOLibrary.setCall) { irectl_gpio_set_value(slot.request, slot.index, value) }
  }

  /// Waits for the next queued edge, then reads it (`gpiod_line_request_wait_edge_events` and
  /// `gpiod_line_request_read_edge_events`, or libgpiod 1's `gpiod_line_event_wait` and
  /// `gpiod_line_event_read`): the kernel queues edges, so an edge that came while nobody
  /// waited is returned with the kernel's own timestamp. A gap in the line's sequence numbers
  /// is edges the kernel dropped from a full queue: `Edge.lost` says how many.
  public func nextEdge(on role: LineRole, notAfter deadline: Instant) throws -> Edge? {
    guard role.watchesEdges else { throw HALError.wrongDirection(role: role) }
    let slot = try handle(role)
    // The timeout is recomputed at every call: a wait restarted after EINTR ends at the same
    // deadline, not a whole timeout later.
    let ready = try value(role, GPIOLibrary.waitCall) {
      irectl_gpio_wait_edge(slot.request, max(deadline - PosixTime.monotonicNow(), .zero).value)
    }
    guard ready == 1 else { return nil }
    var event = irectl_gpio_edge()
    _ = try value(role, GPIOLibrary.readCall) { irectl_gpio_read_edge(slot.request, &event) }
    return Edge(
      role: role, rising: event.rising,
      timestamp: Instant(nanoseconds: Int64(bitPattern: event.timestamp_ns)),
      lost: lost(role, sequence: event.line_seqno))
  }

  /// Edges dropped before the one numbered `sequence` (numbers start at 1 with each request);
  /// 0 where the library gives no number.
  private func lost(_ role: LineRole, sequence: UInt32) -> Int {
    guard sequence != 0 else { return 0 }
    let previous = lastSequence[role.ordinal]
    lastSequence[role.ordinal] = sequence
    return Int(sequence &- previous &- 1)
  }

  private func handle(_ role: LineRole) throws(HALError) -> Slot {
    guard let slot = slots[role.ordinal] else {
      throw .lineUnavailable(role: role, detail: closed ? "released" : "not requested")
    }
    return slot
  }

  private func value(_ role: LineRole, _ call: String, _ body: () -> Int32) throws(HALError) -> Int32 {
    do { return try SystemCall.check(call, body) } catch {
      throw .lineUnavailable(role: role, detail: error.description)
    }
  }
}

extension LineRole {
  /// The role's place in `allCases`, without building that array in the timing loop.
  var ordinal: Int {
    switch self {
    case .hvEnable: 0
    case .bleedRelease: 1
    case .pulseFire: 2
    case .watchdogKick: 3
    case .beeper: 4
    case .estopOK: 5
    case .footswitchA: 6
    case .footswitchB: 7
    case .lidClosed: 8
    case .ecgTrigger: 9
    case .hvReady: 10
    case .hwFault: 11
    }
  }
}
