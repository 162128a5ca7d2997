import Glibc
import HAL
import Protocol
import Testing

@testable import LinuxBackend

/// Lines that no GPIO chip of this machine has: every one is reported, by role and by the
/// name or chip the board file gave, and nothing is left requested. (The kernel-driver tests
/// request real lines on gpio-sim.)
struct LinuxGPIOTests {
  static func configuration(_ locator: (LineRole) -> LineLocator) -> GPIOConfiguration {
    GPIOConfiguration(
      consumer: "irectl",
      lines: Dictionary(
        uniqueKeysWithValues: LineRole.allCases.map {
          ($0, LineSpec(locator: locator($0), activeLow: false, bias: .asIs))
        }))
  }

  @Test func everyMissingNameIsReported() {
    let gpio = LinuxGPIO(Self.configuration { .name("IRECTL_TEST_NO_SUCH_LINE_\($0.rawValue)") })
    #expect(gpio.lines.count == LineRole.allCases.count)
    for line in gpio.lines {
      let text = line.problem?.description ?? ""
      #expect(text.contains("GPIO line \(line.role.rawValue)"))
      #expect(text.contains("\"IRECTL_TEST_NO_SUCH_LINE_\(line.role.rawValue)\""))
    }
    #expect(throws: HALError.lineUnavailable(role: .pulseFire, detail: "not requested")) {
      try gpio.write(.pulseFire, true)
    }
  }

  @Test func openFailsNamingTheLines() {
    do {
      _ = try LinuxGPIO.open(Self.configuration { _ in .chip("irectl-test-no-such-chip", offset: 3) })
      Issue.record("lines on a chip that does not exist were requested")
    } catch {
      let text = String(describing: error)
      #expect(text.contains("GPIO line hv_enable: no GPIO chip \"irectl-test-no-such-chip\""))
      #expect(text.contains("GPIO line hw_fault"))
    }
  }

  /// Chips are searched in number order (gpiochip2 before gpiochip10), and nothing but chips.
  @Test func chipsAreScannedInNumberOrder() throws {
    let directory = "/tmp/irectl-chips-\(getpid())"
    mkdir(directory, 0o755)
    defer {
      for name in ["gpiochip10", "gpiochip2", "gpiochipx", "i2c-1"] { unlink("\(directory)/\(name)") }
      rmdir(directory)
    }
    for name in ["gpiochip10", "gpiochip2", "gpiochipx", "i2c-1"] {
      close(open("\(directory)/\(name)", O_CREAT | O_WRONLY, 0o600))
    }
    #expect(GPIOChips.chipPaths(in: directory) == ["\(directory)/gpiochip2", "\(directory)/gpiochip10"])
  }

  /// A chip that cannot be opened is named where a line was looked for, with its error: the
  /// line may be on it.
  @Test func aChipThatCannotBeOpenedIsNamed() throws {
    let directory = "/tmp/irectl-chips-unopened-\(getpid())"
    mkdir(directory, 0o755)
    defer {
      unlink("\(directory)/gpiochip0")
      rmdir(directory)
    }
    close(open("\(directory)/gpiochip0", O_CREAT | O_WRONLY, 0o600))  // a file, not a chip
    let chips = GPIOChips.scan(devices: directory)
    #expect(chips.chips.isEmpty)
    try #require(chips.unopened.count == 1)
    #expect(chips.unopened[0].error.call == "open \(directory)/gpiochip0")
    #expect(throws: HALError.self) { try chips.locate(.pulseFire, .name("IRE_PULSE_FIRE")) }
    do {
      _ = try chips.locate(.pulseFire, .name("IRE_PULSE_FIRE"))
    } catch {
      #expect(
        error.description.contains(
          "no GPIO chip that could be opened has a line named \"IRE_PULSE_FIRE\" (open \(directory)/gpiochip0: "
        ))
    }
  }

  /// The library this build was compiled against, 1.x or 2.x, says which it is.
  @Test func theLibraryKnowsItsVersion() {
    #expect(GPIOLibrary.api == 1 || GPIOLibrary.api == 2)
    #expect(GPIOLibrary.version.hasPrefix("\(GPIOLibrary.api)."))
    #expect(GPIOLibrary.countsLostEdges == (GPIOLibrary.api == 2))
  }
}
