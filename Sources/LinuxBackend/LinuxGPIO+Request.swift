import CGPIOD
import HAL
import Protocol

#if canImport(Glibc)
  import Glibc
#endif

extension LinuxGPIO {
  /// Finds a line as the board file says: by its device-tree name (`gpiod_line_find`, every
  /// chip searched), or by chip (label, name or number, `gpiod_chip_open_lookup`) and offset.
  /// Returns the chip handle that owns the line, to be closed with it (`gpiod_chip_close`);
  /// the line is not requested. Public for the kernel-driver tests, which look at the same
  /// lines from the simulator's side.
  public static func find(_ role: LineRole, _ locator: LineLocator) throws(HALError) -> (
    OpaquePointer, OpaquePointer
  ) {
    switch locator {
    case .name(let name):
      guard let line = gpiod_line_find(name) else {
        let code = errno
        let why =
          code == ENOENT
          ? "no GPIO chip has a line named \"\(name)\" (check gpio-line-names in the device tree, or `gpioinfo`)"
          : "looking for \"\(name)\": \(SystemError(call: "gpiod_line_find", errno: code).reason)"
        throw .lineUnavailable(role: role, detail: why)
      }
      guard let chip = gpiod_line_get_chip(line) else {
        throw .lineUnavailable(role: role, detail: "\"\(name)\": its chip is gone")
      }
      return (chip, line)
    case .chip(let label, let offset):
      let chip: OpaquePointer
      do {
        chip = try SystemCall.check("gpiod_chip_open_lookup \(label)") { gpiod_chip_open_lookup(label) }
      } catch {
        throw .lineUnavailable(role: role, detail: "no GPIO chip \"\(label)\": \(error.reason)")
      }
      guard offset >= 0, offset < gpiod_chip_num_lines(chip),
        let line = gpiod_chip_get_line(chip, UInt32(offset))
      else {
        let count = gpiod_chip_num_lines(chip)
        gpiod_chip_close(chip)
        throw .lineUnavailable(
          role: role, detail: "\(label) has \(count) lines; offset \(offset) is not one of them")
      }
      return (chip, line)
    }
  }

  /// Requests one line for its role (`gpiod_line_request`). A line another process holds is
  /// refused by the kernel with EBUSY; the message then names who holds it, as the kernel
  /// knows it (the other request's consumer name).
  static func request(_ line: OpaquePointer, role: LineRole, spec: LineSpec, consumer: String)
    throws(HALError)
  {
    var flags: Int32 = 0
    if spec.activeLow { flags |= Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) }
    switch spec.bias {
    case .asIs: break
    case .disabled: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE)
    case .pullUp: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP)
    case .pullDown: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN)
    }
    let type: Int32
    switch role.direction {
    case .output: type = Int32(GPIOD_LINE_REQUEST_DIRECTION_OUTPUT)
    case .input:
      // The trigger monitor marks each R-wave with a rising edge; the falling edge means nothing,
      // and queuing it would only give the sequencer a second "beat" to reject.
      type = Int32(
        role.watchesEdges ? GPIOD_LINE_REQUEST_EVENT_RISING_EDGE : GPIOD_LINE_REQUEST_DIRECTION_INPUT)
    }
    // The initial value is the safe one; a line without one (the watchdog kick) starts low.
    let initial: Int32 = (role.safeValue ?? false) ? 1 : 0
    let failure = consumer.withCString { name -> SystemError? in
      var config = gpiod_line_request_config(consumer: name, request_type: type, flags: flags)
      do throws(SystemError) {
        _ = try SystemCall.check("gpiod_line_request") { gpiod_line_request(line, &config, initial) }
        return nil
      } catch { return error }
    }
    guard let failure else { return }
    if failure.errno == EBUSY {
      _ = gpiod_line_update(line)
      let holder =
        gpiod_line_consumer(line).map { "\"\(String(cString: $0))\"" } ?? "another process (no consumer name)"
      throw .lineUnavailable(role: role, detail: "\(spec.locator) is already in use by \(holder)")
    }
    throw .lineUnavailable(role: role, detail: "\(spec.locator): \(failure)")
  }
}
