#if canImport(Glibc)
  import Glibc
#endif

/// Why this user may not open a device file (`/dev/gpiochipN`, `/dev/i2c-N`), and the command
/// that fixes it: what an engineer bringing up a board needs after an EACCES, read from the file
/// (`stat`) and the user's groups (`getgroups`, `getgrgid`), never guessed.
public struct DeviceAccess: Sendable, Equatable {
  public var path: String
  /// The file's owner and group, by name (the number where no name is known).
  public var owner: String
  public var group: String
  /// The permission bits, e.g. 0o660.
  public var mode: UInt32
  /// Who runs this process (`geteuid`), by name.
  public var user: String
  /// Whether this process already has the file's group (`getgroups`).
  public var processHasGroup: Bool
  /// Whether the group database lists the user in the file's group: then only this session
  /// lacks it, and logging in again is the fix.
  public var userListedInGroup: Bool
  /// The group the device should belong to on Debian and Raspberry Pi OS: gpio, i2c.
  public var conventionalGroup: String

  public init(
    path: String, owner: String, group: String, mode: UInt32, user: String, processHasGroup: Bool,
    userListedInGroup: Bool, conventionalGroup: String
  ) {
    self.path = path
    self.owner = owner
    self.group = group
    self.mode = mode
    self.user = user
    self.processHasGroup = processHasGroup
    self.userListedInGroup = userListedInGroup
    self.conventionalGroup = conventionalGroup
  }

  /// `0660`-style octal of the permission bits.
  public var octalMode: String {
    let digits = String(mode & 0o7777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// What is wrong and the command that fixes it, e.g. "/dev/gpiochip0 is owned by root:gpio
  /// with mode 0660: add the user to group gpio: sudo usermod -aG gpio pi, then log in again".
  public var advice: String {
    let file = "\(path) is owned by \(owner):\(group) with mode \(octalMode)"
    let groupReadWrite = mode & 0o060 == 0o060
    if group == "root" || !groupReadWrite {
      // No group may use it: the udev rule of the bring-up guide is missing.
      return
        "\(file), which gives no group read and write access: a udev rule must give it to group"
        + " \(conventionalGroup) with mode 0660 (docs/hardware.md, step 3), then add the user to that group:"
        + " sudo usermod -aG \(conventionalGroup) \(user), then log in again"
    }
    if processHasGroup {
      return
        "\(file), and this process is in group \(group): check the mode and any access control list (getfacl \(path))"
    }
    if userListedInGroup {
      return "\(file); \(user) is in group \(group), but this session started before that: log in again"
    }
    return "\(file): add the user to group \(group): sudo usermod -aG \(group) \(user), then log in again"
  }

  /// Reads the facts of `path` for this process; `nil` when the file cannot be stat'ed (then
  /// the error of the open says enough).
  public static func inspect(_ path: String, conventionalGroup: String) -> DeviceAccess? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    let userID = geteuid()
    let user = userName(userID)
    var listed = false
    var groupName = "\(info.st_gid)"
    if let entry = getgrgid(info.st_gid) {
      groupName = String(cString: entry.pointee.gr_name)
      var member = entry.pointee.gr_mem
      while let pointer = member, let name = pointer.pointee {
        if String(cString: name) == user { listed = true }
        member = pointer + 1
      }
    }
    if let account = getpwuid(userID), account.pointee.pw_gid == info.st_gid { listed = true }
    return DeviceAccess(
      path: path, owner: userName(info.st_uid), group: groupName, mode: UInt32(info.st_mode),
      user: user, processHasGroup: processGroups().contains(info.st_gid) || getegid() == info.st_gid,
      userListedInGroup: listed, conventionalGroup: conventionalGroup)
  }

  /// `"; <advice>"` after an open that failed for lack of permission, `""` otherwise.
  static func advice(for code: Int32, path: String, conventionalGroup: String) -> String {
    guard code == EACCES || code == EPERM, let access = inspect(path, conventionalGroup: conventionalGroup)
    else { return "" }
    return "; " + access.advice
  }

  private static func userName(_ id: uid_t) -> String {
    guard let account = getpwuid(id) else { return "\(id)" }
    return String(cString: account.pointee.pw_name)
  }

  private static func processGroups() -> [gid_t] {
    let count = getgroups(0, nil)
    guard count > 0 else { return [] }
    var groups = [gid_t](repeating: 0, count: Int(count))
    let filled = getgroups(count, &groups)
    return filled > 0 ? Array(groups.prefix(Int(filled))) : []
  }
}
