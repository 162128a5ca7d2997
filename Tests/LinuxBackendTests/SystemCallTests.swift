import Glibc
import Testing

@testable import LinuxBackend

/// The one place where C failures become errors: EINTR retried, errno kept, both of the C
/// libraries' conventions (-1 with errno, and -errno) understood.
struct SystemCallTests {
  @Test func anInterruptedCallIsRetried() throws {
    var calls = 0
    let result = try SystemCall.check("read") { () -> Int32 in
      calls += 1
      if calls < 3 {
        errno = EINTR
        return -1
      }
      return 7
    }
    #expect(result == 7)
    #expect(calls == 3)
  }

  @Test func minusOneTakesErrno() {
    #expect(throws: SystemError(call: "gpiod_line_request", errno: EBUSY)) {
      try SystemCall.check("gpiod_line_request") { () -> Int32 in
        errno = EBUSY
        return -1
      }
    }
  }

  @Test func aNegativeErrnoIsItsOwnError() {
    #expect(throws: SystemError(call: "i2c_smbus_read_word_data", errno: ENXIO)) {
      try SystemCall.check("i2c_smbus_read_word_data") { () -> Int32 in -ENXIO }
    }
  }

  @Test func aNullPointerTakesErrno() {
    #expect(throws: SystemError(call: "gpiod_chip_open_lookup", errno: ENOENT)) {
      let _: OpaquePointer = try SystemCall.check("gpiod_chip_open_lookup") { () -> OpaquePointer? in
        errno = ENOENT
        return nil
      }
    }
  }

  @Test func messagesNameTheCallAndTheErrno() {
    let error = SystemError(call: "open /dev/i2c-1", errno: EACCES)
    #expect(error.description == "open /dev/i2c-1: Permission denied (EACCES)")
    #expect(SystemError(call: "x", errno: 9999).reason.hasSuffix("(errno 9999)"))
  }
}
