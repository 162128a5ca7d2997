import Foundation
import HAL
import LinuxBackend
import Protocol

/// The board's lines as the other side of a gpio-sim chip sees them: what the controller drives
/// (`sim_gpioN/value`), what the world drives (`sim_gpioN/pull`), and the kernel's global line
/// numbers, which its GPIO trace events name.
///
/// Lines are found by the board file's names through libgpiod, without requesting them: the
/// controller requests them.
public struct KernelLines {
  public struct Line {
    public var role: LineRole
    public var activeLow: Bool
    /// `/sys/bus/gpio/devices/gpiochipN/sim_gpioK`
    public var simulator: String
    /// The kernel's global number of the line (chip base + offset), as trace events give it.
    public var global: Int
  }

  public private(set) var lines: [LineRole: Line] = [:]

  public init(board: BoardDescription) throws {
    for role in LineRole.allCases {
      guard let spec = board.gpio.lines[role] else {
        throw FixtureError("the board file does not name \(role.rawValue)")
      }
      // Found exactly as the controller finds it.
      let found = try LinuxGPIO.find(role, spec.locator)
      let base = try KernelLines.base(ofChipLabelled: found.label)
      lines[role] = Line(
        role: role, activeLow: spec.activeLow,
        simulator: "/sys/bus/gpio/devices/\(found.chip)/sim_gpio\(found.offset)", global: base + found.offset)
    }
  }

  /// The global number of a chip's first line, from the sysfs class directory of the chip.
  static func base(ofChipLabelled label: String) throws -> Int {
    let root = "/sys/class/gpio"
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    where entry.hasPrefix("gpiochip") {
      let directory = "\(root)/\(entry)"
      if (try? String(contentsOfFile: "\(directory)/label", encoding: .utf8))?.trimmed == label,
        let base = (try? String(contentsOfFile: "\(directory)/base", encoding: .utf8)).flatMap({
          Int($0.trimmed)
        })
      {
        return base
      }
    }
    throw FixtureError("no chip labelled \"\(label)\" under \(root)")
  }

  public func line(_ role: LineRole) -> Line {
    guard let line = lines[role] else { preconditionFailure("every role was found in init") }
    return line
  }

  /// What the controller drives on an output, as the logical value (active-low undone).
  public func driven(_ role: LineRole) throws -> Bool {
    let line = line(role)
    let text = try String(contentsOfFile: "\(line.simulator)/value", encoding: .utf8).trimmed
    return (text == "1") != line.activeLow
  }

  /// The electrical level gpio-sim shows on the line (what a scope would see).
  public func level(_ role: LineRole) throws -> Bool {
    try String(contentsOfFile: "\(line(role).simulator)/value", encoding: .utf8).trimmed == "1"
  }

  /// The pull gpio-sim applies to the line ("pull-up" or "pull-down"): a request's bias sets it.
  public func pull(_ role: LineRole) throws -> String {
    try String(contentsOfFile: "\(line(role).simulator)/pull", encoding: .utf8).trimmed
  }

  /// The world drives an input to a logical value (through gpio-sim's pull).
  public func drive(_ role: LineRole, _ value: Bool) throws {
    let line = line(role)
    let pull = value != line.activeLow ? "pull-up" : "pull-down"
    try pull.write(toFile: "\(line.simulator)/pull", atomically: false, encoding: .utf8)
  }
}

public struct FixtureError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

extension String {
  public var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
