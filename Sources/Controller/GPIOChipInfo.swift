import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A GPIO chip as `irectl info` shows it: its name, label and the name of every line, read from
/// the kernel's character device with the info ioctls of its uapi (`linux/gpio.h`). Reading
/// line info requests no line: nothing is driven, nothing is held, a running treatment's lines
/// are shown with its consumer name.
///
/// The uapi is used directly, not through libgpiod, so that the report reads the same whichever
/// libgpiod the controller is built with; the structures below are the kernel's, byte for byte.
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
  /// Why the chip could not be read (a permission, a missing device), else `nil`.
  public var problem: String?

  /// Every GPIO chip the kernel has, from `/sys/bus/gpio/devices` (or, without sysfs, the
  /// `/dev/gpiochip*` nodes), in the order of their numbers. `root` is "/" but in tests.
  public static func all(root: String = "/") -> [GPIOChipInfo] {
    let root = root.hasSuffix("/") ? root : root + "/"
    let fileManager = FileManager.default
    let names =
      (try? fileManager.contentsOfDirectory(atPath: root + "sys/bus/gpio/devices"))
      ?? (try? fileManager.contentsOfDirectory(atPath: root + "dev")) ?? []
    return names.filter { $0.hasPrefix("gpiochip") && Int($0.dropFirst(8)) != nil }
      .sorted { Int($0.dropFirst(8)) ?? 0 < Int($1.dropFirst(8)) ?? 0 }
      .map { read(name: $0, device: root + "dev/" + $0) }
  }

  /// One chip's info and every line's, through its character device.
  public static func read(name: String, device: String) -> GPIOChipInfo {
    var chip = GPIOChipInfo(name: name, device: device, label: nil, lines: [], problem: nil)
    let descriptor = open(device, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      chip.problem = "open \(device): \(String(cString: strerror(errno)))"
      return chip
    }
    defer { close(descriptor) }
    var info = ChipInfo()
    guard control(descriptor, ChipInfo.request, &info) == 0 else {
      chip.problem = "GPIO_GET_CHIPINFO_IOCTL on \(device): \(String(cString: strerror(errno)))"
      return chip
    }
    chip.label = text(of: &info.label)
    for offset in 0..<Int(info.lines) {
      var line = LineInfoV2()
      line.offset = UInt32(offset)
      if control(descriptor, LineInfoV2.request, &line) == 0 {
        chip.lines.append(
          Line(offset: offset, name: text(of: &line.name), consumer: text(of: &line.consumer)))
        continue
      }
      // A kernel without the v2 uapi (before 5.10) still has the first one.
      var old = LineInfoV1()
      old.offset = UInt32(offset)
      guard control(descriptor, LineInfoV1.request, &old) == 0 else {
        chip.problem = "line info of offset \(offset) on \(device): \(String(cString: strerror(errno)))"
        return chip
      }
      chip.lines.append(Line(offset: offset, name: text(of: &old.name), consumer: text(of: &old.consumer)))
    }
    return chip
  }

  /// ioctl(2) with a structure to fill.
  static func control<T>(_ descriptor: Int32, _ request: UInt, _ value: inout T) -> Int32 {
    withUnsafeMutablePointer(to: &value) { ioctl(descriptor, request, $0) }
  }

  /// A NUL-terminated name of the kernel's (32 bytes at most).
  static func text(of field: inout Name) -> String {
    withUnsafeBytes(of: &field) { bytes in
      String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  /// `char name[32]`.
  typealias Name = (
    UInt64, UInt64, UInt64, UInt64
  )

  /// The ioctl numbers of `linux/gpio.h`: _IOR / _IOWR(0xB4, nr, size).
  static func request(write: Bool, number: UInt, size: Int) -> UInt {
    let direction: UInt = write ? 3 : 2
    return direction << 30 | UInt(size) << 16 | 0xB4 << 8 | number
  }

  /// `struct gpiochip_info`.
  struct ChipInfo {
    var name: Name = (0, 0, 0, 0)
    var label: Name = (0, 0, 0, 0)
    var lines: UInt32 = 0
    static let size = 68
    static let request = GPIOChipInfo.request(write: false, number: 0x01, size: size)
  }

  /// `struct gpio_v2_line_info`: the attributes (10 of 16 bytes) and the padding are read and
  /// not used.
  struct LineInfoV2 {
    var name: Name = (0, 0, 0, 0)
    var consumer: Name = (0, 0, 0, 0)
    var offset: UInt32 = 0
    var attributeCount: UInt32 = 0
    var flags: UInt64 = 0
    var attributes: (Name, Name, Name, Name, Name) = (
      (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)
    )
    var padding: (UInt64, UInt64) = (0, 0)
    static let size = 256
    static let request = GPIOChipInfo.request(write: true, number: 0x05, size: size)
  }

  /// `struct gpioline_info` of the first uapi.
  struct LineInfoV1 {
    var offset: UInt32 = 0
    var flags: UInt32 = 0
    var name: Name = (0, 0, 0, 0)
    var consumer: Name = (0, 0, 0, 0)
    static let size = 72
    static let request = GPIOChipInfo.request(write: true, number: 0x02, size: size)
  }
}
