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

  @Test func permissionAdviceNamesTheGroup() {
    #expect(LinuxSMBus.advice(for: EACCES, path: "/dev/i2c-1").contains("group"))
    #expect(LinuxSMBus.advice(for: EBUSY, path: "/dev/i2c-1").isEmpty)
  }
}
