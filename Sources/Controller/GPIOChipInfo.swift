import LinuxBackend

/// A GPIO chip as `irectl info` shows it: its name, label and the name of every line, read
/// through the same libgpiod the controller drives the board with (`GPIOLibrary.chipReports`).
/// Reading line info requests no line: nothing is driven, nothing is held, a running
/// treatment's lines are shown with its consumer name.
public struct GPIOChipInfo: Sendable, Equatable {
  public struct Line: Sendable, Equatable {
    public var offset: Int
    public var name: String
    /// Who holds the line ("" when nobody does).
    public var consumer: String
  }

  /// gpiochipN.
  public var name: String
  public var device: String
  public var label: String?
  public var lines: [Line]
  /// Why the chip could not be read (a permission, with its fix), else `nil`.
  public var problem: String?

  /// Every GPIO chip under `root`'s `/dev`, in the order of their numbers. `root` is "/" but in
  /// tests.
  public static func all(root: String = "/") -> [GPIOChipInfo] {
    let root = root.hasSuffix("/") ? root : root + "/"
    return GPIOLibrary.chipReports(devices: root + "dev").map { chip in
      GPIOChipInfo(
        name: chip.name, device: chip.device, label: chip.label,
        lines: chip.lines.map { Line(offset: $0.offset, name: $0.name, consumer: $0.consumer ?? "") },
        problem: chip.problem)
    }
  }
}
