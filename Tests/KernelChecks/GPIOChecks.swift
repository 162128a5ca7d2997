import Foundation
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
    runner.check("one request per chip with libgpiod 2, one per line with libgpiod 1 (the kernel's files)") {
      let files = GPIOChecks.requestFiles()
      let expected =
        GPIOLibrary.api == 2
        ? ["anon_inode:gpio-line": 1]
        : ["anon_inode:gpio-linehandle": LineRole.allCases.count - 1, "anon_inode:gpio-event": 1]
      try R.expect(files == expected, "libgpiod \(GPIOLibrary.version): \(files), expected \(expected)")
    }
    runner.check(
      "the trigger's event clock: CLOCK_MONOTONIC read back (libgpiod 2), not reported (libgpiod 1)"
    ) {
      let clock = try gpio.eventClock(of: .ecgTrigger)
      try R.expect(clock == (GPIOLibrary.api == 2 ? .monotonic : .unreported), "\(clock)")
    }

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
    droppedEdges(gpio)
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
      let files = GPIOChecks.requestFiles()
      try R.expect(files.isEmpty, "request files left open: \(files)")
    }
    otherChips()
  }

  /// The board file with one role moved.
  func moving(_ role: LineRole, to locator: LineLocator) -> GPIOConfiguration {
    var configuration = board.gpio
    configuration.lines[role]?.locator = locator
    return configuration
  }

  /// The VM's second chip, `ire-aux` (init): two lines named alike, and a third one.
  func otherChips() {
    runner.check("lines on two chips: one request per chip, each line driven") {
      let configuration = moving(.beeper, to: .chip("ire-aux", offset: 2))
      let gpio = try LinuxGPIO.open(configuration)
      defer { gpio.close() }
      let files = GPIOChecks.requestFiles()
      let expected =
        GPIOLibrary.api == 2
        ? ["anon_inode:gpio-line": 2]
        : ["anon_inode:gpio-linehandle": LineRole.allCases.count - 1, "anon_inode:gpio-event": 1]
      try R.expect(files == expected, "\(files), expected \(expected)")
      let beeper = try LinuxGPIO.find(.beeper, .chip("ire-aux", offset: 2))
      for value in [true, false] {
        try gpio.write(.beeper, value)
        try gpio.write(.hvEnable, value)
        let level = try String(
          contentsOfFile: "/sys/bus/gpio/devices/\(beeper.chip)/sim_gpio2/value", encoding: .utf8
        ).trimmed
        try R.expect(level == (value ? "1" : "0"), "beeper on \(beeper.chip) reads \(level) after \(value)")
        try R.expect(try sim.level(.hvEnable) == value, "hv_enable did not follow on the board's chip")
      }
    }
    runner.check("a name two lines carry is refused, naming both") {
      do {
        _ = try LinuxGPIO.open(moving(.beeper, to: .name("IRE_DUPLICATE")))
        throw CheckRunner.Failure(description: "a line named twice was requested")
      } catch let error as HALError {
        let text = error.description
        try R.expect(
          text.contains("GPIO line beeper: 2 lines are named \"IRE_DUPLICATE\"") && text.contains("offset 0")
            && text.contains("offset 1"), text)
      }
    }
  }

  /// The kernel's files of this process's line requests, by kind: `anon_inode:gpio-line` is one
  /// libgpiod 2 request (any number of lines), `gpio-linehandle` and `gpio-event` one line each
  /// of libgpiod 1.
  static func requestFiles() -> [String: Int] {
    var files: [String: Int] = [:]
    for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
        target.hasPrefix("anon_inode:gpio")
      else { continue }
      files[target, default: 0] += 1
    }
    return files
  }

  /// More rising edges than the kernel queues for a request (16 per line requested, rounded up
  /// to a power of two: 256 for the board's 12 lines), none read meanwhile: with libgpiod 2 the kernel drops the oldest, and the first edge read then says
  /// how many were lost, so that every edge is accounted for; libgpiod 1 can tell nothing of
  /// the edges the kernel dropped (its queue keeps 16, the oldest), and says so.
  func droppedEdges(_ gpio: LinuxGPIO) {
    runner.check(
      GPIOLibrary.countsLostEdges
        ? "dropped edges counted: every rising edge read or counted as lost"
        : "dropped edges: libgpiod 1 cannot count them, and says so"
    ) {
      try sim.drive(.ecgTrigger, false)
      while try gpio.nextEdge(on: .ecgTrigger, notAfter: PosixTime.monotonicNow()) != nil {}
      let driven = 300
      for _ in 0..<driven {
        try sim.drive(.ecgTrigger, true)
        try sim.drive(.ecgTrigger, false)
      }
      var read = 0
      var lost: [Int] = []
      while let edge = try gpio.nextEdge(
        on: .ecgTrigger, notAfter: PosixTime.monotonicNow() + .milliseconds(50))
      {
        read += 1
        lost.append(edge.lost)
      }
      let counted = lost.reduce(0, +)
      if GPIOLibrary.countsLostEdges {
        try R.expect(read + counted == driven, "\(driven) driven: \(read) read, \(counted) counted as lost")
        try R.expect(
          counted > 0 && lost.first == counted, "the loss is not on the first edge read: \(lost.prefix(3))")
      } else {
        try R.expect(
          read < driven && counted == 0, "\(driven) driven: \(read) read, \(counted) counted as lost")
      }
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
