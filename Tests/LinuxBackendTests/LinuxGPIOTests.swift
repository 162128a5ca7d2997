import HAL
import LinuxBackend
import Protocol
import Testing

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
}
