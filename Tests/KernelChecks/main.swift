import Foundation
import KernelFixtures
import Protocol

/// `kernel-checks BOARD_FILE`: the Linux backend against the kernel's gpio-sim and i2c-stub,
/// inside the test VM (scripts/kernel-tests). Prints `PASS:`/`FAIL:` lines and
/// `kernel-checks: N passed, N failed`; exits 1 on any failure.
let arguments = CommandLine.arguments
guard arguments.count == 2 else {
  FileHandle.standardError.write(Data("usage: kernel-checks BOARD_FILE\n".utf8))
  exit(2)
}
let runner = CheckRunner()
do {
  let board = try BoardFile.load(path: arguments[1])
  GPIOChecks(board: board, sim: try KernelLines(board: board), runner: runner).run()
  I2CChecks(board: board, runner: runner).run()
} catch {
  runner.check("set-up") { throw error }
}
print("kernel-checks: \(runner.passed) passed, \(runner.failed) failed")
exit(runner.failed == 0 ? 0 : 1)
