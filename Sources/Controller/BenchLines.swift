import Foundation
import HAL
import LinuxBackend
import Protocol
import Sequencer
import Simulator
import Units

/// The lines, bus and clock `bench timing` fires through: the simulator's, or a Linux board's
/// when its board file is marked as a test fixture (`test_fixture: true`, the kernel-test VM's
/// gpio-sim lines and i2c-stub registers, answered by the board emulator), so that the real
/// ioctl path's cost is measured, not estimated. A generator's own board file is refused
/// before anything is opened: the bench would charge its bank and fire through its probes.
final class BenchLines {
  let backend: String
  let gpio: any GPIOLines
  let bus: any SMBus
  let clock: any MonotonicClock
  /// How long before a fire deadline the thread stops sleeping and spins.
  let spinMargin: Nanoseconds
  /// The ECG window the bench protocol allows (ms): wider on a test fixture, whose fire check
  /// may run on an emulated CPU.
  let window: Int
  private let simulated: SimulatedBoard?
  private let linux: LinuxGPIO?

  /// The test fixture's window: the kernel-test VM's own ECG treatment allows the same.
  static let fixtureWindowMs = 50

  private init(
    backend: String, gpio: any GPIOLines, bus: any SMBus, clock: any MonotonicClock, spinMargin: Nanoseconds,
    window: Int, simulated: SimulatedBoard?, linux: LinuxGPIO?
  ) {
    self.backend = backend
    self.gpio = gpio
    self.bus = bus
    self.clock = clock
    self.spinMargin = spinMargin
    self.window = window
    self.simulated = simulated
    self.linux = linux
  }

  /// Opens what `board` names: the simulated board (its heart at `rate`), or a test fixture's
  /// lines and bus.
  static func open(_ board: BoardDescription, path: String, rate: Double) throws -> BenchLines {
    switch board.backend {
    case .simulator:
      guard var settings = board.simulator else {
        throw SessionError.invalidInput("\(path): a simulator board file without its simulator section")
      }
      settings.heart.rateBPM = rate * 60
      settings.heart.variability = 0.01
      let simulated = SimulatedBoard(description: board, settings: settings, pace: .realtime, seed: 1)
      simulated.footswitchA = true
      simulated.footswitchB = true
      return BenchLines(
        backend: "simulator", gpio: simulated.gpio, bus: simulated.bus, clock: simulated.clock,
        spinMargin: simulated.clock.spinMargin, window: 10, simulated: simulated, linux: nil)
    case .linux:
      guard board.testFixture else {
        throw SessionError.environment(
          "\(path): a generator's board file: bench timing fires hundreds of pulses, and on a generator"
            + " it would charge the bank and fire them through the probes; refused, nothing opened or"
            + " charged (give a simulator board file, or a Linux board file marked test_fixture: true)")
      }
      // The mark is the file's word; the machine must agree: every GPIO chip gpio-sim, the bus
      // i2c-stub. A generator's board file given the mark by mistake still finds real chips.
      if let problem = fixtureProblem(bus: board.i2c.bus) {
        throw SessionError.environment(
          "\(path): marked test_fixture, but this machine's lines are not all simulated: \(problem);"
            + " refused, nothing opened or charged")
      }
      let gpio: LinuxGPIO
      let bus: LinuxSMBus
      do {
        gpio = try LinuxGPIO.open(board.gpio)
        do { bus = try LinuxSMBus(bus: board.i2c.bus) } catch {
          gpio.close()
          throw error
        }
      } catch { throw SessionError.environment("\(path): \(error)") }
      let clock = SystemClock()
      return BenchLines(
        backend: "linux", gpio: gpio, bus: bus, clock: clock, spinMargin: clock.spinMargin,
        window: fixtureWindowMs, simulated: nil, linux: gpio)
    }
  }

  /// Why this machine is not a test fixture's (nil when it is): each GPIO chip under
  /// `sysfs`/bus/gpio/devices must be a gpio-sim chip (its device under a `gpio-sim.N`
  /// platform device; a chip's label is set by whoever made it and proves nothing), and I2C
  /// adapter `bus` must be i2c-stub ("SMBus stub driver").
  static func fixtureProblem(sysfs: String = "/sys", bus: Int) -> String? {
    let devices = sysfs + "/bus/gpio/devices"
    let chips = ((try? FileManager.default.contentsOfDirectory(atPath: devices)) ?? [])
      .filter { $0.hasPrefix("gpiochip") }.sorted()
    guard !chips.isEmpty else { return "no GPIO chip in \(devices)" }
    for chip in chips {
      let target = URL(fileURLWithPath: devices + "/" + chip).resolvingSymlinksInPath().path
      guard target.split(separator: "/").contains(where: { $0.hasPrefix("gpio-sim.") }) else {
        return "\(chip) is not a gpio-sim chip (\(target))"
      }
    }
    let name = sysfs + "/bus/i2c/devices/i2c-\(bus)/name"
    guard let adapter = try? String(contentsOfFile: name, encoding: .utf8) else {
      return "no I2C adapter \(bus) (\(name))"
    }
    guard adapter.hasPrefix("SMBus stub") else {
      return
        "I2C adapter \(bus) is \"\(adapter.trimmingCharacters(in: .whitespacesAndNewlines))\", not i2c-stub"
    }
    return nil
  }

  /// Puts the protocol's probes into the simulated tissue (a test fixture's world is the
  /// emulator's).
  func place(_ plan: TreatmentProtocol) { simulated?.place(plan) }

  /// The CPU time spent spinning: the simulated clock's own count, or the fire traces' spins.
  func spinCPUTime(_ traces: [FireTrace]) -> Nanoseconds {
    if let simulated { return simulated.clock.spinCPUTime }
    return traces.reduce(Nanoseconds.zero) { $0 + $1.spin }
  }

  /// Releases a test fixture's lines (every output driven to its safe value first).
  func close() { linux?.close() }
}
