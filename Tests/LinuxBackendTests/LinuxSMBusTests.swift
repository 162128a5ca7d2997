import Glibc
import HAL
import Testing

@testable import LinuxBackend

/// What can be checked of the I2C backend without a bus (the kernel-driver tests check the
/// rest against i2c-stub): the error of a bus that does not exist, and which errors are retried.
struct LinuxSMBusTests {
  @Test func aMissingBusSaysWhatToCheck() {
    do {
      _ = try LinuxSMBus(bus: 250)
      Issue.record("/dev/i2c-250 opened")
    } catch {
      #expect(error.description.contains("open /dev/i2c-250: No such file or directory (ENOENT)"))
      #expect(error.description.contains("enable the bus"))
    }
  }

  @Test func transientErrorsAreRetriedOthersAreNot() {
    for code in [EAGAIN, ETIMEDOUT, EIO, ENXIO, EREMOTEIO, ENODEV] { #expect(LinuxSMBus.isTransient(code)) }
    for code in [EBUSY, EINVAL, EBADF, EACCES, EOPNOTSUPP] { #expect(!LinuxSMBus.isTransient(code)) }
  }

  /// A bus this user may not open: its group and mode, and the command that fixes it.
  @Test func permissionAdviceNamesTheGroupAndTheFix() {
    let advice = LinuxSMBus.advice(for: EACCES, path: "/tmp")
    #expect(advice.hasPrefix("; /tmp is owned by"))
    #expect(advice.contains("sudo usermod -aG i2c "))
    #expect(LinuxSMBus.advice(for: EBUSY, path: "/tmp").isEmpty)
  }
}
