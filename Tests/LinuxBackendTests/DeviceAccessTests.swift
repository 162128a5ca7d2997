import Glibc
import Testing

@testable import LinuxBackend

/// A device this user may not open: the error names the file, its group and mode, and the
/// command that fixes it. (The kernel-driver tests meet a real EACCES as an unprivileged user.)
struct DeviceAccessTests {
  func access(group: String = "gpio", mode: UInt32 = 0o660, hasGroup: Bool = false, listed: Bool = false)
    -> DeviceAccess
  {
    DeviceAccess(
      path: "/dev/gpiochip0", owner: "root", group: group, mode: mode, user: "pi", processHasGroup: hasGroup,
      userListedInGroup: listed, conventionalGroup: "gpio")
  }

  @Test func aUserOutsideTheGroupIsToldToJoinIt() {
    #expect(
      access().advice
        == "/dev/gpiochip0 is owned by root:gpio with mode 0660: add the user to group gpio:"
        + " sudo usermod -aG gpio pi, then log in again")
  }

  @Test func aUserAddedButNotLoggedInAgainIsToldToLogIn() {
    let advice = access(listed: true).advice
    #expect(advice.contains("pi is in group gpio, but this session started before that: log in again"))
    #expect(!advice.contains("usermod"))
  }

  @Test func aDeviceNoGroupMayUseNeedsTheUdevRule() {
    for wrong in [access(group: "root", mode: 0o600), access(group: "gpio", mode: 0o640)] {
      let advice = wrong.advice
      #expect(advice.contains("a udev rule must give it to group gpio with mode 0660"))
      #expect(advice.contains("sudo usermod -aG gpio pi, then log in again"))
    }
  }

  @Test func aProcessInTheGroupIsToldToLookFurther() {
    #expect(access(hasGroup: true).advice.contains("getfacl /dev/gpiochip0"))
  }

  /// The facts come from the file itself.
  @Test func theFileIsInspected() throws {
    let path = "/tmp/irectl-device-access-\(getpid())"
    let fd = open(path, O_CREAT | O_WRONLY, 0o600)
    try #require(fd >= 0)
    close(fd)
    defer { unlink(path) }
    chmod(path, 0o640)
    let access = try #require(DeviceAccess.inspect(path, conventionalGroup: "i2c"))
    #expect(access.path == path)
    #expect(access.octalMode == "0640")
    #expect(access.advice.contains("\(path) is owned by \(access.owner):\(access.group) with mode 0640"))
    #expect(access.advice.contains("sudo usermod -aG i2c \(access.user)"))
    #expect(DeviceAccess.inspect("/nonexistent/irectl", conventionalGroup: "gpio") == nil)
  }

  /// Only a missing permission gets the advice; the open's own error says the rest.
  @Test func onlyPermissionErrorsAreAdvised() {
    #expect(DeviceAccess.advice(for: ENOENT, path: "/tmp", conventionalGroup: "gpio").isEmpty)
    #expect(
      DeviceAccess.advice(for: EACCES, path: "/tmp", conventionalGroup: "gpio").hasPrefix(
        "; /tmp is owned by"))
  }
}
