import HAL
import LinuxBackend
import Protocol
import Sequencer
import Units

/// `irectl selftest`: whether a Linux board is fit to treat, checked the way the controller
/// will use it: every line found and requested, every chip answering with its identity, the
/// safe state applied and read back, real-time scheduling available. It never charges the bank
/// and never fires; it leaves every output at its safe value and the relays open.
public enum SelfTest {
  /// One line of the results table.
  public struct Check: Sendable {
    public enum Result: String, Sendable {
      case pass = "ok"
      case fail = "FAIL"
      /// Not fit to treat only when the board requires it (real-time scheduling).
      case warn = "warn"
    }
    public var name: String
    public var result: Result
    public var detail: String
  }

  public struct Report: Sendable {
    public var board: String
    public var checks: [Check]
    public var fitToTreat: Bool { !checks.contains { $0.result == .fail } }

    /// The table an engineer reads: one check a line, failures in capitals.
    public var table: String {
      let width = checks.map(\.name.count).max() ?? 0
      var lines = ["selftest of \(board)"]
      for check in checks {
        let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
        lines.append(
          "  \(check.result.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))  \(name)  \(check.detail)"
        )
      }
      let failed = checks.filter { $0.result == .fail }.count
      lines.append(
        fitToTreat
          ? "FIT TO TREAT: \(checks.count) checks passed"
          : "NOT FIT TO TREAT: \(failed) of \(checks.count) checks failed")
      return lines.joined(separator: "\n")
    }
  }

  public static func run(boardPath: String) throws -> Report {
    let board = try BoardFile.load(path: boardPath)
    guard board.backend == .linux else {
      throw SessionError.invalidInput(
        "\(boardPath): board backend is \"\(board.backend.rawValue)\"; selftest checks a Linux board")
    }
    var checks: [Check] = [library(api: GPIOLibrary.api, version: GPIOLibrary.version)]
    let gpio = LinuxGPIO(board.gpio)
    defer { gpio.close() }
    if let chips = chips(gpio.chipProblems, linesFound: gpio.lines.allSatisfy { $0.problem == nil }) {
      checks.append(chips)
    }
    for line in gpio.lines {
      let detail = "\(line.locator)" + (line.foundAt.map { " at \($0)" } ?? "")
      if let problem = line.problem {
        checks.append(Check(name: "line \(line.role.rawValue)", result: .fail, detail: problem.description))
      } else {
        checks.append(
          Check(name: "line \(line.role.rawValue)", result: .pass, detail: "\(detail), requested"))
      }
    }
    let linesOK = gpio.lines.allSatisfy { $0.problem == nil }
    if linesOK {
      checks.append(safeOutputs(gpio))
      do {
        checks.append(
          edgeEvents(clock: try gpio.eventClock(of: .ecgTrigger), countsLost: GPIOLibrary.countsLostEdges))
      } catch { checks.append(Check(name: "edge events", result: .fail, detail: error.description)) }
    }

    do {
      let bus = try LinuxSMBus(bus: board.i2c.bus)
      checks.append(Check(name: "i2c bus", result: .pass, detail: bus.path))
      let generator = PulseGenerator(board: board, gpio: gpio, bus: bus, clock: SystemClock())
      checks += chips(generator)
      if linesOK { checks.append(fireCheck(generator)) }
    } catch {
      checks.append(Check(name: "i2c bus", result: .fail, detail: String(describing: error)))
    }
    checks.append(realtime(board.timing))
    return Report(board: "\(board.name) (\(boardPath))", checks: checks)
  }

  /// The GPIO chips this user could not open, with the fix. Not fit to treat when a line is
  /// missing (it may be on one of them); a warning when every line was had, since a name could
  /// still be on one of them a second time, where the search cannot see it.
  public static func chips(_ problems: [String], linesFound: Bool) -> Check? {
    guard !problems.isEmpty else { return nil }
    return Check(
      name: "gpio chips", result: linesFound ? .warn : .fail,
      detail: problems.joined(separator: "; ")
        + (linesFound ? " (every line was found elsewhere; a name must not also be on those chips)" : ""))
  }

  /// Which libgpiod this controller was built against (it is chosen when it is compiled): what
  /// an engineer compares with the installed package when a line misbehaves.
  public static func library(api: Int, version: String) -> Check {
    let requests = api >= 2 ? "one request per chip" : "one request per line"
    return Check(name: "libgpiod", result: .pass, detail: "\(version) (v\(api) API), \(requests)")
  }

  /// The clock of the trigger line's edge events, as the kernel reports it for the request: the
  /// sequencer compares edge timestamps with CLOCK_MONOTONIC, so any other clock is not fit to
  /// treat. libgpiod 1 can neither set nor read it (the kernel stamps its events on
  /// CLOCK_MONOTONIC), nor count the edges the kernel dropped.
  public static func edgeEvents(clock: EdgeClock, countsLost: Bool) -> Check {
    let lost =
      countsLost
      ? "lost edges counted by sequence number" : "lost edges cannot be counted with libgpiod 1"
    switch clock {
    case .monotonic:
      return Check(
        name: "edge events", result: .pass, detail: "ecg_trigger on CLOCK_MONOTONIC, read back; \(lost)")
    case .unreported:
      return Check(
        name: "edge events", result: .pass,
        detail:
          "ecg_trigger on CLOCK_MONOTONIC, the kernel's clock for libgpiod 1 events (not readable); \(lost)")
    case .realtime, .hte:
      return Check(
        name: "edge events", result: .fail,
        detail:
          "ecg_trigger stamped on \(clock.rawValue), not CLOCK_MONOTONIC: its edges cannot be placed in time")
    }
  }

  /// Every output driven to its safe value and read back through the kernel.
  static func safeOutputs(_ gpio: LinuxGPIO) -> Check {
    var wrong: [String] = []
    for problem in gpio.driveSafe() { wrong.append(problem.description) }
    for role in LineRole.outputs {
      guard let safe = role.safeValue else { continue }
      do {
        let value = try gpio.read(role)
        if value != safe { wrong.append("\(role.rawValue) reads \(value ? 1 : 0), safe is \(safe ? 1 : 0)") }
      } catch { wrong.append(String(describing: error)) }
    }
    let outputs = LineRole.outputs.filter { $0.safeValue != nil }.map(\.rawValue).joined(separator: ", ")
    return wrong.isEmpty
      ? Check(name: "safe outputs", result: .pass, detail: "\(outputs) at their safe values, read back")
      : Check(name: "safe outputs", result: .fail, detail: wrong.joined(separator: "; "))
  }

  /// Each chip at its address, answering with its identity (or, for chips without one, with
  /// registers written and read back), and the relays open and read back open.
  /// The chips are the generator's own, found at the board file's addresses as a treatment
  /// finds them.
  static func chips(_ generator: PulseGenerator) -> [Check] {
    let board = generator.board
    let i2c = board.i2c
    let clock = generator.clock
    let (supervisor, adc, thermometer, matrix) =
      (generator.supervisor, generator.adc, generator.thermometer, generator.matrix)
    func check(_ name: String, _ passed: String, _ body: () throws -> Void) -> Check {
      do {
        try body()
        return Check(name: name, result: .pass, detail: passed)
      } catch { return Check(name: name, result: .fail, detail: String(describing: error)) }
    }
    return [
      check(
        "supervisor \(hex(i2c.supervisor))",
        "id \(hex(Supervisor.expectedIdentity)), scratch register answers"
      ) {
        try supervisor.verifyIdentity()
        try supervisor.verifyAlive(nonce: 0x5AA5)
      },
      check("thermometer \(hex(i2c.temperature))", "TMP117 id \(hex(TMP117.expectedIdentity))") {
        try thermometer.verifyIdentity()
        try thermometer.verifyAlive(nonce: 0x1234)
      },
      check("adc \(hex(i2c.adc))", "ADS1115 configuration written and read back") {
        try adc.verifyAlive(nonce: 0x2345)
      },
      check(
        "relay expanders \(hex(i2c.relaysPlus)) \(hex(i2c.relaysMinus))",
        "IODIRA \(hex(MCP23017.relayDirectionA)), IODIRB \(hex(MCP23017.relayDirectionB)) set and read back"
      ) { try matrix.configure() },
      check("relays open", "commanded open, contacts read back open") {
        try matrix.apply(.open)
        clock.sleep(until: clock.now + board.interlocks.relaySettle.nanoseconds)
        guard try matrix.verify(.open) else {
          let contacts = try matrix.readBack()
          throw HALError.unexpectedValue(
            address: i2c.relaysPlus, register: 0x13,
            detail:
              "relay contacts read \(hex(contacts.plus)) / \(hex(contacts.minus)) with every relay commanded open"
          )
        }
      },
    ]
  }

  /// What the fire check must leave of its lead (`timing.fire_check_lead_us`): the
  /// permission, the watchdog kick, and the sleep's wake-up before the spin to the edge.
  static let fireCheckSlack = Nanoseconds.milliseconds(1)
  static let fireCheckRuns = 20

  /// The fire check, timed on this board as a treatment takes it before every pulse: the
  /// longest of `fireCheckRuns` must fit its lead less `fireCheckSlack`. A bus clocked at
  /// 100 kHz does not (docs/hardware.md sets 400 kHz); nor does a bus that retries.
  public static func fireCheck(_ generator: PulseGenerator) -> Check {
    let clock = generator.clock
    let lead = generator.board.timing.fireCheckLead.nanoseconds
    let budget = lead - fireCheckSlack
    var longest = Nanoseconds.zero
    do {
      for _ in 0..<fireCheckRuns {
        let start = clock.now
        _ = try generator.freshReadings(relays: .open)
        longest = max(longest, clock.now - start)
      }
    } catch {
      return Check(name: "fire check", result: .fail, detail: String(describing: error))
    }
    let detail =
      "longest of \(fireCheckRuns): \(formatted(longest.milliseconds)) ms; must fit"
      + " \(formatted(budget.milliseconds)) ms of its \(formatted(lead.milliseconds)) ms lead"
      + " (timing.fire_check_lead_us)"
    return Check(name: "fire check", result: longest <= budget ? .pass : .fail, detail: detail)
  }

  /// SCHED_FIFO at the board's priority and locked memory, tried as the timing thread will.
  static func realtime(_ timing: TimingSettings) -> Check {
    let status = TimingThread.probe(timing)
    if status.inForce { return Check(name: "real-time", result: .pass, detail: status.description) }
    return Check(
      name: "real-time", result: timing.requireRealtime ? .fail : .warn,
      detail: status.description + (timing.requireRealtime ? " (required by the board file)" : ""))
  }
}
