/// A GPIO chip as a service engineer reads it (`irectl info`): its name, label, and every
/// line's name and holder. Opening a chip and reading its line info requests no line: nothing
/// is driven, nothing is held, and a running treatment's lines show its consumer name.
public struct GPIOChipReport: Sendable, Equatable {
  public struct Line: Sendable, Equatable {
    public var offset: Int
    public var name: String
    /// Who holds the line, as the kernel knows it; `nil` when nobody does.
    public var consumer: String?
  }

  /// `gpiochipN`.
  public var name: String
  public var device: String
  public var label: String?
  public var lines: [Line]
  /// Why the chip could not be opened (a permission, with its fix), else `nil`.
  public var problem: String?
}

extension GPIOLibrary {
  /// Every GPIO chip under `devices` (`/dev/gpiochipN`, in number order), through the same
  /// libgpiod the controller drives the board with.
  public static func chipReports(devices: String = "/dev") -> [GPIOChipReport] {
    let scan = GPIOChips.scan(devices: devices)
    let opened = scan.chips.map { chip in
      GPIOChipReport(
        name: chip.name, device: chip.path, label: chip.label,
        lines: chip.lineNames.enumerated().map { offset, name in
          GPIOChipReport.Line(offset: offset, name: name, consumer: chip.consumer(of: offset))
        }, problem: nil)
    }
    let failed = scan.unopened.map { unopened in
      GPIOChipReport(
        name: unopened.path.split(separator: "/").last.map(String.init) ?? unopened.path,
        device: unopened.path, label: nil, lines: [], problem: unopened.description)
    }
    return (opened + failed).sorted {
      $0.name.count == $1.name.count ? $0.name < $1.name : $0.name.count < $1.name.count
    }
  }
}
