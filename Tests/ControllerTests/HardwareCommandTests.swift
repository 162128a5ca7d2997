import Foundation
import Testing

/// `irectl treat` and `irectl selftest` on a machine without the board (the kernel-driver tests
/// run them against gpio-sim and i2c-stub): a simulator board is refused, nothing is armed
/// without ARM typed, and a missing line is named with what to check.
struct HardwareCommandTests {
  static let board = Paths.config("boards/reference.yaml")
  static let protocolPath = Paths.protocolFile("esope-ect-8x100")

  /// Runs irectl with `input` on its standard input; returns the status, stdout and stderr.
  static func irectl(_ arguments: [String], input: String = "") throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.irectl)
    process.arguments = arguments
    let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, out, err)
  }

  @Test func treatRefusesASimulatorBoard() throws {
    let (status, _, err) = try Self.irectl(
      ["treat", Self.protocolPath, "--board", Paths.simBoard], input: "ARM\n")
    #expect(status == 2)
    #expect(err.contains("irectl treat drives a Linux board"))
  }

  @Test func nothingIsArmedWithoutARM() throws {
    let record = Paths.temporary("treat-not-armed.sqlite")
    defer { try? FileManager.default.removeItem(atPath: record) }
    for input in ["", "yes\n", "arm\n"] {
      let (status, _, err) = try Self.irectl(
        ["treat", Self.protocolPath, "--board", Self.board, "--record", record], input: input)
      #expect(status == 1, "input \(input.debugDescription)")
      #expect(err.contains("Type ARM"))
      #expect(err.contains("not armed: nothing was charged or fired"))
    }
  }

  @Test func armedWithoutTheBoardNamesTheMissingLines() throws {
    let record = Paths.temporary("treat-no-board.sqlite")
    defer { try? FileManager.default.removeItem(atPath: record) }
    let (status, _, err) = try Self.irectl(
      ["treat", Self.protocolPath, "--board", Self.board, "--record", record], input: "ARM\n")
    #expect(status == 3)
    #expect(err.contains("GPIO line pulse_fire"))
    #expect(err.contains("\"IRE_PULSE_FIRE\""))
  }

  @Test func selftestTellsWhyABoardIsNotFit() throws {
    let (status, out, _) = try Self.irectl(["selftest", "--board", Self.board])
    #expect(status == 1)
    #expect(out.contains("FAIL  line pulse_fire"))
    #expect(out.contains("NOT FIT TO TREAT"))
    let (simulated, _, err) = try Self.irectl(["selftest", "--board", Paths.simBoard])
    #expect(simulated == 2)
    #expect(err.contains("selftest checks a Linux board"))
  }
}
