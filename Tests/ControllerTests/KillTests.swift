import Controller
import Foundation
import Record
import Simulator
import Testing

/// SIGKILL at random moments of a real-time simulated treatment: the record always verifies,
/// the session is recovered as interrupted, and its delivered-count bounds contain the pulse
/// board's own count and differ by at most one pulse.
@Suite("Kill test", .serialized)
struct KillTests {
  /// Ten pulses a second, so that a kill lands among many pulses.
  static let fastProtocol = """
    format: 1
    name: kill-test
    probes:
      - { id: 1, x_mm: 0, y_mm: 0, exposure_mm: 15 }
      - { id: 2, x_mm: 15, y_mm: 0, exposure_mm: 15 }
    pulse: { width_us: 90, field_v_per_cm: 1500, train: { pulses: 1 } }
    sync: { mode: fixed_rate, fixed_rate: { rate_hz: 10 } }
    test: { pulses: 0 }
    therapy: { pulses: 200, set_size: 200, polarity: fixed }
    limits: { max_current_a: 50, max_current_jump_a: 8, min_current_a: 2 }
    pairs:
      - [1, 2]
    """

  @Test func fiftyKillsAtRandomMoments() throws {
    let directory = Paths.temporary("kill")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let protocolPath = directory + "/kill-test.yaml"
    try Self.fastProtocol.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    var random = SeededGenerator(seed: 50)
    var exercised = 0
    var killed = 0
    for run in 0..<50 {
      let record = directory + "/record-\(run).sqlite"
      let counter = directory + "/counter-\(run)"
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Paths.irectl)
      process.arguments = [
        "simulate", protocolPath, "--board", Paths.simBoard, "--speed", "realtime", "--record", record,
        "--simulator-counter", counter,
      ]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: 0.3 + random.unit() * 2.7)
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
      // The machine's scheduler can hold the simulator's timing thread past the watchdog (a
      // virtual machine's host, a stall of the kernel): the treatment then latches a `timing`
      // fault and ends by itself, and the kill, if it comes at all, lands while it is already
      // shutting down, after the record closed the session as faulted. Its record must hold all
      // the same; it is no kill of a running treatment, and is not counted as one.
      let signalled = process.terminationReason != .exit

      let (status, error) = try RecordTamperTests.irectl(["records", "verify", "--record", record])
      #expect(status == 0, "run \(run): verify: \(error)")
      let (recovered, recoverError) = try RecordTamperTests.irectl(["records", "recover", "--record", record])
      #expect(recovered == 0, "run \(run): recover: \(recoverError)")
      let (again, againError) = try RecordTamperTests.irectl(["records", "verify", "--record", record])
      #expect(again == 0, "run \(run): verify after recovery: \(againError)")
      let sessions = try TreatmentRecord(path: record).sessions()
      let session = try #require(sessions.first, "run \(run): no session recorded")
      let timing = HostStall.timingFault(record: record)
      let endedByItself = !signalled || (session.outcome == "faulted" && timing)
      if !endedByItself { killed += 1 }
      if endedByItself {
        // Twenty seconds of pulses cannot end within the three before the kill but by a fault.
        #expect(
          session.outcome == "faulted" && timing,
          "run \(run) ended by itself (status \(process.terminationStatus)): \(session.outcome)")
      } else {
        #expect(
          session.outcome == "interrupted", "run \(run): killed while running, recorded \(session.outcome)")
      }
      let low = try #require(session.deliveredMin)
      let high = try #require(session.deliveredMax)
      let data = try Data(contentsOf: URL(fileURLWithPath: counter))
      let truth = Int(data.withUnsafeBytes { $0.load(as: Int64.self) })
      #expect(low <= truth && truth <= high, "run \(run): \(truth) delivered, record says \(low)...\(high)")
      #expect(high - low <= 1, "run \(run): bounds \(low)...\(high)")
      if truth > 0 && !endedByItself { exercised += 1 }
      if signalled && endedByItself { print("kill test run \(run): a timing fault ended it before the kill") }
    }
    // Start-up (files, record, charging the bank) takes about a second: the first kills land
    // before any pulse, the rest among them.
    #expect(killed >= 40, "most runs were killed, \(50 - killed) ended by themselves")
    #expect(
      exercised * 10 >= killed * 6, "most kills (\(exercised) of \(killed)) landed after pulses had started")
  }
}
