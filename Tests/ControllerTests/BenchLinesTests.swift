import Foundation
import Testing

@testable import Controller

/// `bench timing` on a Linux board runs only where the machine's lines are all simulated: a
/// board file's `test_fixture: true` is not enough on its own.
@Suite("The bench's test fixture")
struct BenchLinesTests {
  /// A sysfs tree with `chips` (name → the platform device it hangs under) and I2C adapter 0
  /// named `adapter`.
  static func sysfs(chips: [String: String], adapter: String?) throws -> String {
    let root = NSTemporaryDirectory() + "bench-sysfs-" + UUID().uuidString
    let files = FileManager.default
    try files.createDirectory(atPath: root + "/bus/gpio/devices", withIntermediateDirectories: true)
    for (chip, parent) in chips {
      let device = "\(root)/devices/platform/\(parent)/\(chip)"
      try files.createDirectory(atPath: device, withIntermediateDirectories: true)
      try files.createSymbolicLink(atPath: "\(root)/bus/gpio/devices/\(chip)", withDestinationPath: device)
    }
    if let adapter {
      try files.createDirectory(atPath: root + "/bus/i2c/devices/i2c-0", withIntermediateDirectories: true)
      try (adapter + "\n").write(
        toFile: root + "/bus/i2c/devices/i2c-0/name", atomically: true, encoding: .utf8)
    }
    return root
  }

  @Test func gpioSimChipsAndTheStubBusAreAFixture() throws {
    let root = try Self.sysfs(
      chips: ["gpiochip0": "gpio-sim.0", "gpiochip1": "gpio-sim.0"], adapter: "SMBus stub driver")
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(BenchLines.fixtureProblem(sysfs: root, bus: 0) == nil)
  }

  @Test func oneRealChipIsRefused() throws {
    let root = try Self.sysfs(
      chips: ["gpiochip0": "fe200000.gpio", "gpiochip1": "gpio-sim.0"], adapter: "SMBus stub driver")
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(
      BenchLines.fixtureProblem(sysfs: root, bus: 0)?.hasPrefix("gpiochip0 is not a gpio-sim chip") == true)
  }

  @Test func aRealBusOrNoneIsRefused() throws {
    let real = try Self.sysfs(chips: ["gpiochip0": "gpio-sim.0"], adapter: "bcm2835 (i2c@7e804000)")
    defer { try? FileManager.default.removeItem(atPath: real) }
    #expect(
      BenchLines.fixtureProblem(sysfs: real, bus: 0)
        == "I2C adapter 0 is \"bcm2835 (i2c@7e804000)\", not i2c-stub")
    #expect(BenchLines.fixtureProblem(sysfs: real, bus: 1)?.hasPrefix("no I2C adapter 1") == true)
    let none = try Self.sysfs(chips: [:], adapter: "SMBus stub driver")
    defer { try? FileManager.default.removeItem(atPath: none) }
    #expect(BenchLines.fixtureProblem(sysfs: none, bus: 0)?.hasPrefix("no GPIO chip") == true)
  }

  /// On a machine whose lines are real (every one but the kernel-test VM), the reference board
  /// marked as a fixture is refused before anything is opened.
  @Test(.enabled(if: BenchLines.fixtureProblem(bus: 1) != nil, "this machine's lines are all simulated"))
  func aMarkedGeneratorBoardOnRealLinesIsRefused() throws {
    let path = Paths.temporary("marked-reference.yaml")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try
      (try String(contentsOfFile: Paths.config("boards/reference.yaml"), encoding: .utf8)
      + "test_fixture: true\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect {
      _ = try TimingBenchmark.run(pulses: 5, rate: 1, boardPath: path)
    } throws: { error in
      "\(error)".contains("not all simulated") && "\(error)".contains("nothing opened or charged")
    }
  }
}
