import CGPIOD
import HAL
import Protocol

#if canImport(Glibc)
  import Glibc
#endif

extension LinuxGPIO {
  /// A line of the board file, found, to be requested.
  struct Wanted {
    var role: LineRole
    var spec: LineSpec
    var offset: Int

    /// The line's request settings: outputs at their safe value (a line without one, the
    /// watchdog kick, starts low); the trigger monitor marks each R-wave with a rising edge, and
    /// the falling edge means nothing: queuing it would only give the sequencer a second "beat"
    /// to reject.
    var configuration: irectl_gpio_line_config {
      let mode: irectl_gpio_mode
      switch role.direction {
      case .output: mode = IRECTL_GPIO_OUTPUT
      case .input: mode = role.watchesEdges ? IRECTL_GPIO_RISING_EDGES : IRECTL_GPIO_INPUT
      }
      let bias: irectl_gpio_bias
      switch spec.bias {
      case .asIs: bias = IRECTL_GPIO_BIAS_AS_IS
      case .disabled: bias = IRECTL_GPIO_BIAS_DISABLED
      case .pullUp: bias = IRECTL_GPIO_BIAS_PULL_UP
      case .pullDown: bias = IRECTL_GPIO_BIAS_PULL_DOWN
      }
      return irectl_gpio_line_config(
        offset: UInt32(offset), mode: mode, bias: bias, active_low: spec.activeLow,
        initial: role.safeValue ?? false)
    }
  }

  /// Lines of one chip held under one request (`irectl_gpio_request_lines`), released when the
  /// last reference goes; the chip is closed after its requests.
  final class Request {
    let handle: OpaquePointer
    let chip: GPIOChips.Chip
    let lines: [Wanted]

    init(_ lines: [Wanted], on chip: GPIOChips.Chip, consumer: String) throws(SystemError) {
      let configurations = lines.map(\.configuration)
      handle = try SystemCall.check(GPIOLibrary.requestCall) {
        irectl_gpio_request_lines(chip.handle, consumer, configurations, configurations.count)
      }
      self.chip = chip
      self.lines = lines
    }

    deinit { irectl_gpio_request_release(handle) }
  }

  /// Requests the lines of one chip together. When the kernel refuses the request, each line is
  /// tried alone to find which it refuses and why (a line another process holds is refused with
  /// EBUSY, and named with its holder, as the kernel knows it: the other request's consumer
  /// name); the others are then requested together without them. Returns the request (`nil`
  /// when no line could be had) and the problem of each line that could not.
  static func request(_ lines: [Wanted], on chip: GPIOChips.Chip, consumer: String) -> (
    Request?, [(LineRole, HALError)]
  ) {
    let whole: SystemError
    do { return (try Request(lines, on: chip, consumer: consumer), []) } catch { whole = error }
    var problems: [(LineRole, HALError)] = []
    var good: [Wanted] = []
    for line in lines {
      do {
        _ = try Request([line], on: chip, consumer: consumer)  // released at once
        good.append(line)
      } catch {
        problems.append((line.role, refusal(error, line, on: chip)))
      }
    }
    guard !good.isEmpty else { return (nil, problems) }
    do {
      return (try Request(good, on: chip, consumer: consumer), problems)
    } catch {
      // Each line alone, but not all together: the chip refuses the request as a whole.
      let failure = problems.isEmpty ? whole : error
      for line in good {
        problems.append(
          (
            line.role,
            .lineUnavailable(
              role: line.role, detail: "\(line.spec.locator), with the others of \(chip.name): \(failure)")
          ))
      }
      return (nil, problems)
    }
  }

  /// Why the kernel refused one line.
  static func refusal(_ error: SystemError, _ line: Wanted, on chip: GPIOChips.Chip) -> HALError {
    if error.errno == EBUSY {
      let holder = chip.holder(of: line.offset) ?? "another process (no consumer name)"
      return .lineUnavailable(role: line.role, detail: "\(line.spec.locator) is already in use by \(holder)")
    }
    return .lineUnavailable(role: line.role, detail: "\(line.spec.locator): \(error)")
  }
}
