import ArgumentParser
import Foundation
import HAL
import KernelFixtures
import LinuxBackend
import Protocol
import Units

/// `board-emulator`: the reference board and its world, reachable through the kernel's own
/// drivers (gpio-sim, i2c-stub), so that `irectl treat` runs on the Linux backend without a
/// board. It is a test fixture of the kernel-driver tests: it never runs next to real hardware
/// (it would write to the real chips' registers).
struct BoardEmulatorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "board-emulator",
    abstract: "Emulate the reference board behind gpio-sim and i2c-stub (kernel-driver tests only).")

  @Option(help: "The Linux board file the controller uses (line names, bus, addresses).")
  var board: String

  @Option(help: "A simulator board file whose charger settings the bank follows.")
  var world: String

  @Option(name: .customLong("load-ohms"), help: "The load between the probes: current = voltage / load.")
  var loadOhms = 50.0

  @Option(name: .customLong("watchdog-ms"), help: "The external watchdog's timeout.")
  var watchdogMs = 20

  @Option(name: .customLong("heart-bpm"), help: "Send an R-wave trigger at this rate (none without).")
  var heartBPM: Double?

  @Option(help: "Where tracefs is mounted.")
  var tracefs = "/sys/kernel/tracing"

  @Option(name: .customLong("ready-file"), help: "Created once the emulator watches the lines.")
  var readyFile: String?

  func run() throws {
    let log: (String) -> Void = { FileHandle.standardError.write(Data("board-emulator: \($0)\n".utf8)) }
    let description = try BoardFile.load(path: board)
    guard let charger = try BoardFile.load(path: world).simulator?.charger else {
      throw FixtureError("\(world): not a simulator board file")
    }
    let emulated = try EmulatedBoard(
      board: description, lines: try KernelLines(board: description),
      bus: try LinuxSMBus(bus: description.i2c.bus), charger: charger, load: Ohms(loadOhms),
      watchdogTimeout: .milliseconds(Int64(watchdogMs)), relaySettle: .milliseconds(3), log: log)
    if let heartBPM {
      guard (20...250).contains(heartBPM) else { throw FixtureError("--heart-bpm: allowed 20...250") }
      emulated.beat = .seconds(60 / heartBPM)
    }
    let trace = try GPIOTrace(tracefs: tracefs)
    try emulated.startWorld()
    signal(SIGTERM) { _ in _exit(0) }  // only async-signal-safe calls in a handler
    // The board is hardware beside the controller, not a process sharing its CPU: it answers a
    // fire edge before the controller runs again. In the VM both share one CPU, so the emulator
    // runs at a real-time priority above the controller's timing thread, blocked until the
    // kernel's trace wakes it (an edge, a kick) or its slow state is due.
    let priority = min(99, description.timing.priority + 10)
    var parameters = sched_param(sched_priority: Int32(priority))
    guard sched_setscheduler(0, SCHED_FIFO, &parameters) == 0 else {
      throw FixtureError("SCHED_FIFO priority \(priority): \(String(cString: strerror(errno)))")
    }
    if let readyFile { _ = FileManager.default.createFile(atPath: readyFile, contents: nil) }
    log("watching \(description.name) on i2c bus \(description.i2c.bus), SCHED_FIFO priority \(priority)")
    let tick = Nanoseconds.milliseconds(5)
    var due = PosixTime.monotonicNow()
    while true {
      let left = max(due - PosixTime.monotonicNow(), .zero)
      try emulated.take(trace.changes(waiting: Int32((left.value + 999_999) / 1_000_000)))
      let now = PosixTime.monotonicNow()
      if now >= due {
        try emulated.follow(at: now)
        due = now + tick
      }
    }
  }
}

BoardEmulatorCommand.main()
