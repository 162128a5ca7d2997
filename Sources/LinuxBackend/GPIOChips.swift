import CGPIOD
import HAL
import Protocol

#if canImport(Glibc)
  import Glibc
#endif

/// libgpiod as this build speaks it: 1.x or 2.x, decided when CGPIOD was compiled from the
/// installed `gpiod.h` (`irectl_gpio_api`). The C names here are the ones errors cite.
public enum GPIOLibrary {
  /// 1 or 2: the libgpiod API this build was compiled against.
  public static let api = Int(irectl_gpio_api())
  /// The library's version, e.g. "1.6.3" (`gpiod_version_string`) or "2.1.3" (`gpiod_api_version`).
  public static var version: String { String(cString: irectl_gpio_library_version()) }
  /// Whether edges the kernel dropped are counted (`Edge.lost`): libgpiod 2 reports each
  /// edge's sequence number on its line; libgpiod 1 reports none.
  public static var countsLostEdges: Bool { api >= 2 }

  static let requestCall = api == 1 ? "gpiod_line_request" : "gpiod_chip_request_lines"
  static let getCall = api == 1 ? "gpiod_line_get_value" : "gpiod_line_request_get_value"
  static let setCall = api == 1 ? "gpiod_line_set_value" : "gpiod_line_request_set_value"
  static let waitCall = api == 1 ? "gpiod_line_event_wait" : "gpiod_line_request_wait_edge_events"
  static let readCall = api == 1 ? "gpiod_line_event_read" : "gpiod_line_request_read_edge_events"
}

/// Where a line of the board file was found.
public struct LineLocation: Sendable, Equatable {
  /// The chip's name, `gpiochipN`.
  public var chip: String
  /// The chip's label (the driver's name for it, gpio-sim's configfs label).
  public var label: String
  public var offset: Int
}

/// How the kernel stamps a line's edge events (`gpiod_line_info_get_event_clock`).
public enum EdgeClock: String, Sendable {
  case monotonic = "CLOCK_MONOTONIC"
  case realtime = "CLOCK_REALTIME"
  case hte = "hardware timestamping engine"
  /// libgpiod 1 can neither set nor read it.
  case unreported = "not reported"
}

/// The GPIO chips of this machine, each opened once (`/dev/gpiochipN` in number order), with the
/// names of their lines: where a line is looked for by name. libgpiod 2 has no `gpiod_line_find`,
/// and one scan for the whole board file is what both versions do here, so that a name is found
/// (or found twice, or not at all) the same way whichever libgpiod is installed.
final class GPIOChips {
  /// An open chip (`gpiod_chip_open`), closed when the last request on it is released.
  final class Chip {
    let handle: OpaquePointer
    let path: String
    let name: String
    let label: String
    let lineCount: Int

    init(path: String) throws(SystemError) {
      handle = try SystemCall.check("open \(path)") { irectl_gpio_chip_open(path) }
      self.path = path
      name = String(cString: irectl_gpio_chip_name(handle))
      label = String(cString: irectl_gpio_chip_label(handle))
      lineCount = Int(irectl_gpio_chip_num_lines(handle))
    }

    deinit { irectl_gpio_chip_close(handle) }

    /// Every line's `gpio-line-names` entry, "" where it has none.
    lazy var lineNames: [String] = (0..<lineCount).map { offset in
      var buffer = [CChar](repeating: 0, count: 64)
      guard irectl_gpio_line_name(handle, UInt32(offset), &buffer, buffer.count) == 0 else { return "" }
      return GPIOChips.text(buffer)
    }

    /// Who holds line `offset`, as the kernel knows it now (its consumer name); `nil` when free.
    func holder(of offset: Int) -> String? {
      consumer(of: offset).map { $0.isEmpty ? "another process (no consumer name)" : "\"\($0)\"" }
    }

    /// The consumer name of line `offset` ("" for a holder without one); `nil` when free.
    func consumer(of offset: Int) -> String? {
      var buffer = [CChar](repeating: 0, count: 64)
      let used = irectl_gpio_line_consumer(handle, UInt32(offset), &buffer, buffer.count)
      guard used == 1 else { return nil }
      return GPIOChips.text(buffer)
    }

    func eventClock(of offset: Int) -> EdgeClock {
      switch irectl_gpio_line_event_clock(handle, UInt32(offset)) {
      case Int32(IRECTL_GPIO_CLOCK_MONOTONIC.rawValue): .monotonic
      case Int32(IRECTL_GPIO_CLOCK_REALTIME.rawValue): .realtime
      case Int32(IRECTL_GPIO_CLOCK_HTE.rawValue): .hte
      default: .unreported
      }
    }
  }

  /// A chip that could not be opened: why (`open /dev/gpiochip0: Permission denied (EACCES)`)
  /// and, for a missing permission, the fix (`DeviceAccess`).
  struct Unopened {
    var path: String
    var error: SystemError
    var advice: String
    var description: String { error.description + advice }
  }

  /// A C string the shim copied into `buffer`.
  static func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  let chips: [Chip]
  let unopened: [Unopened]

  init(chips: [Chip], unopened: [Unopened]) {
    self.chips = chips
    self.unopened = unopened
  }

  /// Opens every `/dev/gpiochipN`. A symbolic link to a chip already opened (Raspberry Pi OS
  /// links `gpiochip4` to the Pi 5's `gpiochip0`) is the same chip, counted once.
  static func scan(devices: String = "/dev") -> GPIOChips {
    var chips: [Chip] = []
    var unopened: [Unopened] = []
    for path in chipPaths(in: devices) {
      do {
        let chip = try Chip(path: path)
        if !chips.contains(where: { $0.name == chip.name }) { chips.append(chip) }
      } catch {
        unopened.append(
          Unopened(
            path: path, error: error,
            advice: DeviceAccess.advice(for: error.errno, path: path, conventionalGroup: "gpio")
          ))
      }
    }
    return GPIOChips(chips: chips, unopened: unopened)
  }

  /// `DIR/gpiochipN` for every N, in number order.
  static func chipPaths(in directory: String) -> [String] {
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }
    var numbered: [(Int, String)] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard name.hasPrefix("gpiochip"), let number = Int(name.dropFirst("gpiochip".count)), number >= 0
      else { continue }
      numbered.append((number, "\(directory)/\(name)"))
    }
    return numbered.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// The chip and offset a board file's locator names, or why there is none.
  func locate(_ role: LineRole, _ locator: LineLocator) throws(HALError) -> (Chip, Int) {
    switch locator {
    case .name(let name):
      var found: [(Chip, Int)] = []
      for chip in chips {
        for (offset, line) in chip.lineNames.enumerated() where line == name { found.append((chip, offset)) }
      }
      if found.count == 1 { return found[0] }
      if found.count > 1 {
        let places = found.map { "\($0.0.name) offset \($0.1)" }.joined(separator: ", ")
        throw .lineUnavailable(
          role: role,
          detail:
            "\(found.count) lines are named \"\(name)\" (\(places)): a name in the board file must be unique;"
            + " rename the others in the device tree, or give chip and offset")
      }
      if unopened.isEmpty {
        throw .lineUnavailable(
          role: role,
          detail:
            "no GPIO chip has a line named \"\(name)\" (check gpio-line-names in the device tree, or `gpioinfo`)"
        )
      }
      throw .lineUnavailable(
        role: role,
        detail: "no GPIO chip that could be opened has a line named \"\(name)\" (\(unopenedSummary))")
    case .chip(let description, let offset):
      guard let chip = chip(described: description) else {
        let among = unopened.isEmpty ? "" : " among those that could be opened (\(unopenedSummary))"
        throw .lineUnavailable(role: role, detail: "no GPIO chip \"\(description)\"\(among)")
      }
      guard offset >= 0, offset < chip.lineCount else {
        throw .lineUnavailable(
          role: role,
          detail: "\(description) has \(chip.lineCount) lines; offset \(offset) is not one of them")
      }
      return (chip, offset)
    }
  }

  /// A chip by name (`gpiochip0`), number (`0`), device path (`/dev/gpiochip0`) or label
  /// (`pinctrl-bcm2711`), as libgpiod 1's `gpiod_chip_open_lookup` took it.
  func chip(described description: String) -> Chip? {
    chips.first { $0.name == description || $0.name == "gpiochip\(description)" || $0.path == description }
      ?? chips.first { $0.label == description }
  }

  /// The unopened chips, without the advice: a line's message names them; the advice is said
  /// once (`LinuxGPIO.chipProblems`).
  private var unopenedSummary: String { unopened.map(\.error.description).joined(separator: "; ") }
}
