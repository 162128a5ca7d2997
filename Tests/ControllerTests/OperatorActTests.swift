import Controller
import Foundation
import Simulator
import Testing
import Units

/// `irectl simulate --operator KIND@WHEN`: what the explorer finds can be run again, and kept
/// as a test, from the command line.
@Suite("The operator's acts on the command line")
struct OperatorActTests {
  @Test(arguments: ["pause@t=40.0025", "abort@pulse=12", "resume@step=5120", "acknowledge@t=0.000001"])
  func printsWhatItReads(text: String) throws {
    let act = try OperatorAct(parsing: text)
    #expect(act.description == text)
  }

  @Test(arguments: [
    ("halt@t=1", "unknown act \"halt\""), ("pause", "expected KIND@WHEN"),
    ("pause@step=0", "step=K needs a whole number K >= 1"), ("abort@t=-1", "t=SECONDS needs seconds"),
    // Found by fuzzing (scripts/fuzz fault, the same WHEN): a step with no K trapped.
    ("pause@step=+", "step=K needs a whole number K >= 1"),
  ])
  func refusesWithAReason(text: String, problem: String) {
    #expect {
      try OperatorAct(parsing: text)
    } throws: { error in
      String(describing: error).hasPrefix("--operator \"\(text)\"")
        && String(describing: error).contains(problem)
    }
  }

  @Test func anAbortToldOnTheCommandLineEndsTheRunAtItsStep() throws {
    let directory = Paths.temporary("operator-act")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (status, errors) = try RecordTamperTests.irectl([
      "simulate", Paths.fixture("short-fixed-rate"), "--board", Paths.simBoard, "--operator",
      "abort@step=2100",
      "--record", directory + "/r.sqlite", "--summary-json", directory + "/s.json",
    ])
    #expect(status == 1, "\(errors)")
    #expect(errors.contains("abort told by --operator abort@step=2100"))
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/s.json")))
        as? [String: Any])
    #expect(summary["outcome"] as? String == "aborted")
    #expect((summary["pulses"] as? [Any])?.count == 2, "the edges at steps 1237 and 2057 only")
  }

  @Test func aBadActIsAUsageError() throws {
    let (status, errors) = try RecordTamperTests.irectl([
      "simulate", Paths.fixture("short-fixed-rate"), "--board", Paths.simBoard, "--operator", "pause@soon",
    ])
    #expect(status == 2)
    #expect(
      errors.contains("--operator \"pause@soon\": WHEN must be pulse=N, t=SECONDS, step=K or step=K+SECONDS"))
  }
}
