import CGPIOD
import HAL
import Protocol
import Units

#if canImport(Glibc)
  import Glibc
#endif

/// The board's lines through the kernel's GPIO character device and libgpiod 1.6.
///
/// Every line of the board file is requested once, at open, under one consumer name, and held
/// until `close()`: outputs with their safe value as the initial value (so that requesting a
/// line never drives it anywhere unsafe, not even for a microsecond), inputs with the board
/// file's bias, active-low applied by the kernel so that every value here is logical, and the
/// trigger input as a rising-edge event line whose events the kernel stamps on CLOCK_MONOTONIC.
public final class LinuxGPIO: GPIOLines {
  /// What was found for each role, in `LineRole.allCases` order: a selftest prints it.
  public let lines: [LineReport]
  /// `gpiod_line` handles by `LineRole.ordinal`; never nil once `open` succeeded.
  private var handles: [OpaquePointer?]
  /// Chips opened (one per line found by name: libgpiod opens a chip per lookup).
  private var chips: [OpaquePointer]
  private var closed = false

  /// One line of the board: where it was looked for, where it was found, whether it is held.
  public struct LineReport: Sendable {
    public var role: LineRole
    public var locator: LineLocator
    /// `gpiochipN offset K`, when found.
    public var foundAt: String?
    public var problem: HALError?
  }

  /// Finds and requests every line, or fails naming every line that could not be had (and
  /// releases those that could).
  public static func open(_ configuration: GPIOConfiguration) throws(HALError) -> LinuxGPIO {
    let gpio = LinuxGPIO(configuration)
    let problems = gpio.lines.compactMap(\.problem)
    guard problems.isEmpty else {
      gpio.release()
      if problems.count == 1 { throw problems[0] }
      throw .io(problems.map(\.description).joined(separator: "; "))
    }
    return gpio
  }

  /// Tries every line and keeps what it could request; `lines` says how each went. Use `open`
  /// to treat: a board with a missing line is not fit to treat.
  public init(_ configuration: GPIOConfiguration) {
    handles = Array(repeating: nil, count: LineRole.allCases.count)
    chips = []
    var reports: [LineReport] = []
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
        let (chip, line) = try LinuxGPIO.find(role, spec.locator)
        chips.append(chip)
        report.foundAt = "\(String(cString: gpiod_chip_name(chip))) offset \(gpiod_line_offset(line))"
        try LinuxGPIO.request(line, role: role, spec: spec, consumer: configuration.consumer)
        handles[role.ordinal] = line
      } catch {
        report.problem = error
      }
      reports.append(report)
    }
    lines = reports
  }

  deinit { close() }

  /// Drives every output to its safe value, then releases every line. A released line keeps
  /// its last value on real hardware, so going safe comes first.
  public func close() {
    guard !closed else { return }
    driveSafe()
    release()
  }

  private func release() {
    closed = true
    for chip in chips { gpiod_chip_close(chip) }  // releases the chip's requested lines too
    chips = []
    handles = handles.map { _ in nil }
  }

  public func read(_ role: LineRole) throws -> Bool {
    let line = try handle(role)
    return try value(role, "gpiod_line_get_value") { gpiod_line_get_value(line) } == 1
  }

  public func write(_ role: LineRole, _ value: Bool) throws {
    guard role.direction == .output else { throw HALError.wrongDirection(role: role) }
    let line = try handle(role)
    _ = try self.value(role, "gpiod_line_set_value") { gpiod_line_set_value(line, value ? 1 : 0) }
  }

  /// `gpiod_line_event_wait` then `gpiod_line_event_read`: the kernel queues edges, so an edge
  /// that came while nobody waited is returned with the kernel's own timestamp.
  public func nextEdge(on role: LineRole, notAfter deadline: Instant) throws -> Edge? {
    guard role.watchesEdges else { throw HALError.wrongDirection(role: role) }
    let line = try handle(role)
    // The timeout is recomputed at every call: a wait restarted after EINTR ends at the same
    // deadline, not a whole timeout later.
    let ready = try value(role, "gpiod_line_event_wait") {
      let left = max(deadline - PosixTime.monotonicNow(), .zero).value
      var timeout = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
      return gpiod_line_event_wait(line, &timeout)
    }
    guard ready == 1 else { return nil }
    var event = gpiod_line_event()
    _ = try value(role, "gpiod_line_event_read") { gpiod_line_event_read(line, &event) }
    let stamp = Int64(event.ts.tv_sec) * 1_000_000_000 + Int64(event.ts.tv_nsec)
    return Edge(
      role: role, rising: event.event_type == Int32(GPIOD_LINE_EVENT_RISING_EDGE),
      timestamp: Instant(nanoseconds: stamp))
  }

  private func handle(_ role: LineRole) throws(HALError) -> OpaquePointer {
    guard let line = handles[role.ordinal] else {
      throw .lineUnavailable(role: role, detail: closed ? "released" : "not requested")
    }
    return line
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
