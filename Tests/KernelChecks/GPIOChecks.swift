import HAL
import KernelFixtures
import LinuxBackend
import Protocol
import Units

/// The GPIO backend against gpio-sim: requests, initial values, bias, active-low, every output
/// seen by the simulator, every input driven through the simulator's pulls, edges with their
/// kernel timestamps and in order, a busy line named with its holder, release to safe.
struct GPIOChecks {
  let board: BoardDescription
  let sim: KernelLines
  let runner: CheckRunner
  typealias R = CheckRunner

  func run() {
    var opened: LinuxGPIO?
    runner.check("every line of the board file found and requested") {
      opened = try LinuxGPIO.open(board.gpio)
    }
    guard let gpio = opened else { return }

    runner.check("outputs requested at their safe values") {
      for role in LineRole.outputs {
        let level = try sim.level(role)
        let expected = (role.safeValue ?? false) != (board.gpio.lines[role]?.activeLow ?? false)
        try R.expect(level == expected, "\(role.rawValue) came up at \(level ? 1 : 0)")
      }
    }
    runner.check("bias from the board file applied") {
      for role in LineRole.allCases {
        guard let spec = board.gpio.lines[role] else { continue }
        let expected: String
        switch spec.bias {
        case .pullUp: expected = "pull-up"
        case .pullDown: expected = "pull-down"
        case .asIs, .disabled: continue
        }
        let pull = try sim.pull(role)
        try R.expect(pull == expected, "\(role.rawValue): simulator pull \(pull), board file \(expected)")
      }
    }
    for role in LineRole.outputs {
      runner.check("output \(role.rawValue) drives the simulated line") {
        let activeLow = (board.gpio.lines[role]?.activeLow ?? false)
        for value in [true, false, true, false] {
          try gpio.write(role, value)
          try R.expect(try gpio.read(role) == value, "read back \(!value) after writing \(value)")
          let level = try sim.level(role)
          try R.expect(level == (value != activeLow), "wrote \(value), simulator sees \(level ? 1 : 0)")
        }
      }
    }
    for role in LineRole.inputs {
      runner.check("input \(role.rawValue) follows the simulator's pull") {
        for value in [true, false, true] {
          try sim.drive(role, value)
          try R.expect(try gpio.read(role) == value, "pulled to logical \(value), read \(!value)")
        }
      }
    }
    runner.check("a write to an input is refused") {
      do {
        try gpio.write(.estopOK, true)
        throw CheckRunner.Failure(description: "the write went through")
      } catch HALError.wrongDirection(.estopOK) {}
    }
    edges(gpio)
    runner.check("a line already held is refused, naming the line and its holder") {
      do {
        _ = try LinuxGPIO.open(board.gpio)
        throw CheckRunner.Failure(description: "a second request succeeded")
      } catch let error as HALError {
        let text = error.description
        try R.expect(text.contains("hv_enable") && text.contains("in use by \"irectl\""), text)
      }
    }
    runner.check("close drives every output safe before release") {
      try gpio.write(.hvEnable, true)
      try gpio.write(.bleedRelease, true)
      // gpio-sim puts a released line back to its pull, so the level after close proves
      // nothing: the kernel's trace of every value set does.
      let trace = try GPIOTrace(tracefs: "/sys/kernel/tracing")
      _ = trace.changes(waiting: 0)
      gpio.close()
      let changes = trace.changes(waiting: 200)
      for role in [LineRole.hvEnable, .bleedRelease] {
        let low = (board.gpio.lines[role]?.activeLow ?? false)
        let line = sim.line(role).global
        try R.expect(
          changes.contains { $0.line == line && $0.value == low },
          "\(role.rawValue) was not driven to its safe value before release (trace: \(changes.count) sets)")
      }
      do {
        _ = try gpio.read(.hvEnable)
        throw CheckRunner.Failure(description: "a released line still answers")
      } catch HALError.lineUnavailable {}
    }
  }

  /// Edges on the trigger input: every rising one (an R-wave), in order, none for the falling
  /// ones, each stamped on CLOCK_MONOTONIC between the moments just before and just after the
  /// pull moved.
  func edges(_ gpio: LinuxGPIO) {
    runner.check("trigger edges: every rising one, in order, kernel timestamps on CLOCK_MONOTONIC") {
      try sim.drive(.ecgTrigger, false)
      while try gpio.nextEdge(on: .ecgTrigger, notAfter: PosixTime.monotonicNow()) != nil {}
      var windows: [(Instant, Instant)] = []
      for index in 0..<8 {
        let rising = index % 2 == 0
        let before = PosixTime.monotonicNow()
        try sim.drive(.ecgTrigger, rising)
        if rising { windows.append((before, PosixTime.monotonicNow())) }
        PosixTime.sleepAbsolute(until: PosixTime.monotonicNow() + .milliseconds(5))
      }
      var previous: Instant?
      for (index, window) in windows.enumerated() {
        guard
          let edge = try gpio.nextEdge(
            on: .ecgTrigger, notAfter: PosixTime.monotonicNow() + .milliseconds(500))
        else { throw CheckRunner.Failure(description: "rising edge \(index) missing") }
        try R.expect(edge.rising, "edge \(index) is a falling edge")
        try R.expect(
          edge.timestamp >= window.0 && edge.timestamp <= window.1 + .milliseconds(20),
          "edge \(index) at \(edge.timestamp), pull moved between \(window.0) and \(window.1)")
        if let previous { try R.expect(edge.timestamp > previous, "edge \(index) not after the one before") }
        previous = edge.timestamp
      }
      let extra = try gpio.nextEdge(on: .ecgTrigger, notAfter: PosixTime.monotonicNow() + .milliseconds(50))
      try R.expect(extra == nil, "an edge beyond the four rising ones: \(String(describing: extra))")
    }
    runner.check("no edge: the wait ends at its deadline") {
      let deadline = PosixTime.monotonicNow() + .milliseconds(50)
      let edge = try gpio.nextEdge(on: .ecgTrigger, notAfter: deadline)
      try R.expect(edge == nil, "an edge came from nowhere")
      try R.expect(PosixTime.monotonicNow() >= deadline, "returned before the deadline")
    }
  }
}
