import Controller
import Foundation
import Record
import Testing

@testable import Controller

/// `irectl info` read off a machine of the test's own making: the kernel's files, the buses,
/// a GPIO chip that cannot answer, the board file, a record and the selftests kept.
@Suite("What irectl info reads")
struct SystemInfoTests {
  @Test(arguments: [
    ("#1 SMP PREEMPT_RT Debian 6.1.119-1 (2024-11-22)", false, "PREEMPT_RT"),
    ("#1 SMP PREEMPT Debian 6.1.119-1", true, "PREEMPT_RT"),
    ("#1 SMP PREEMPT_DYNAMIC Debian 6.12.9-1", false, "PREEMPT_DYNAMIC"),
    ("#1 SMP PREEMPT Debian 1:6.6.51-1+rpt3 (2024-10-08)", false, "PREEMPT"),
    ("#1 SMP Debian 6.1.119-1 (2024-11-22)", false, "none"),
  ])
  func thePreemptionModelIsReadFromTheKernelsVersion(version: String, realtime: Bool, model: String) {
    #expect(SystemInfo.preemptionModel(version: version, realtimeFlag: realtime) == model)
  }

  @Test func everythingIsReadFromTheMachine() throws {
    let root = try InstalledPathsTests.tree(
      "info", directories: ["var/lib/irectl", "sys/bus/gpio/devices/gpiochip0"])
    defer { try? FileManager.default.removeItem(atPath: root) }
    func write(_ relative: String, _ text: String) throws {
      let path = root + "/" + relative
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    try write("proc/sys/kernel/osrelease", "6.1.0-28-rt-arm64\n")
    try write("proc/sys/kernel/version", "#1 SMP PREEMPT_RT Debian 6.1.119-1 (2024-11-22)\n")
    try write("proc/cmdline", "console=serial0,115200 isolcpus=3\n")
    try write("sys/kernel/realtime", "1\n")
    try write("sys/class/i2c-dev/i2c-1/name", "bcm2835 (i2c@7e804000)\n")
    try write("sys/class/i2c-dev/i2c-10/name", "i2c-22-mux (chan_id 0)\n")
    // A node that is no character device: its chip info cannot be had, and says why.
    try write("dev/gpiochip0", "")
    // The record of a finished simulated treatment.
    let record = root + "/var/lib/irectl/records.sqlite"
    _ = try SimulationSession.run(
      SimulationOptions(
        protocolPath: Paths.fixture("short-fixed-rate"), boardPath: Paths.simBoard, recordPath: record,
        showProgress: false))
    // Two selftests kept: the board's, and a later one of the user's.
    let environment = ["HOME": root + "/home/tech"]
    let paths = InstalledPaths(root: root)
    let report = SelfTest.Report(
      board: "reference-board", checks: [.init(name: "line hv_enable", result: .fail, detail: "missing")])
    try SelfTestVerdict(
      report: report, boardPath: Paths.simBoard, time: Date(timeIntervalSince1970: 1_000), user: "a"
    )
    .save(to: paths.selftestStates(environment: environment)[0])
    try SelfTestVerdict(
      report: report, boardPath: Paths.simBoard, time: Date(timeIntervalSince1970: 2_000), user: "b"
    )
    .save(to: paths.selftestStates(environment: environment)[1])

    let info = SystemInfo.gather(
      paths: paths, boardPath: Paths.simBoard, recordPath: record, environment: environment)
    #expect(info.kernelRelease == "6.1.0-28-rt-arm64")
    #expect(info.commandLine == "console=serial0,115200 isolcpus=3")
    #expect(info.preemption == "PREEMPT_RT" && info.realtimeKernel)
    #expect(info.i2cBuses.map(\.name) == ["i2c-1", "i2c-10"])
    #expect(info.i2cBuses.first?.adapter == "bcm2835 (i2c@7e804000)")
    #expect(info.i2cBuses.first?.access == false, "no /dev/i2c-1 in this tree")
    #expect(info.gpiochips.map(\.name) == ["gpiochip0"])
    #expect(info.gpiochips.first?.problem?.contains("gpiochip0") == true, "\(info.gpiochips)")
    #expect(info.board.sha256 == (try TreatmentRecord.sha256(ofFile: Paths.simBoard)))
    #expect(info.board.name == "reference-board-sim" && info.board.backend == "simulator")
    #expect(info.record.sessions == 1)
    #expect(info.record.last?.outcome == "completed")
    #expect((info.record.sizeBytes ?? 0) > 0)
    #expect(info.selftest?.verdict.user == "b", "the later of the two")
    #expect(info.selftest?.verdict.fitToTreat == false)
    #expect(info.text.contains("PREEMPT_RT (real-time kernel)"))
    #expect(info.text.contains("NOT FIT TO TREAT"))
    #expect(!info.libgpiod.isEmpty)
  }

  @Test func aRecordThatDoesNotExistIsNotMade() throws {
    let root = try InstalledPathsTests.tree("no-record")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let record = root + "/records.sqlite"
    let info = SystemInfo.gather(
      paths: InstalledPaths(root: root), boardPath: root + "/board.yaml", recordPath: record,
      environment: ["HOME": root])
    #expect(!info.record.exists && info.record.sessions == nil)
    #expect(!FileManager.default.fileExists(atPath: record))
    #expect(!info.board.exists)
    #expect(info.selftest == nil)
  }
}
