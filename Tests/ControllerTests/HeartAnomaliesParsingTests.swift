import Controller
import Simulator
import Testing
import Units

/// `--heart-anomalies`: what it reads, and that anything out of range is refused with the item
/// named, never turned into a time the clock cannot hold.
@Suite("Heart anomalies on the command line")
struct HeartAnomaliesParsingTests {
  @Test func readsEveryKind() throws {
    let anomalies = try HeartAnomalies(
      parsing: "ectopic=0.05,t-wave=0.1,drift=2,asystole=120+6,lead-off=200+5")
    #expect(anomalies.ectopicProbability == 0.05)
    #expect(anomalies.tWaveProbability == 0.1)
    #expect(anomalies.driftBPMPerMinute == 2)
    #expect(
      anomalies.asystole == [
        HeartAnomalies.Window(start: Instant(sinceOrigin: .seconds(120)), duration: .seconds(6))
      ])
    #expect(anomalies.leadOff.map(\.end) == [Instant(sinceOrigin: .seconds(205))])
    #expect(try HeartAnomalies(parsing: "asystole=86400+600").asystole.count == 1, "a day is the limit")
  }

  @Test(arguments: [
    ("asystole=1e12+5", "START must be 0...86400 seconds from the start of the treatment; found 1e12"),
    ("lead-off=-1+5", "START must be 0...86400 seconds from the start of the treatment; found -1"),
    ("asystole=86401+5", "START must be 0...86400 seconds from the start of the treatment; found 86401"),
    ("asystole=10+1e12", "a window lasts more than 0 and up to 600 seconds"),
    ("asystole=10", "a window is START+SECONDS, both in seconds"),
    ("asystole=1e+12+5", "a window is START+SECONDS, both in seconds"),
    ("drift=1e300", "drift must be -30...30"),
  ])
  func refusesWithTheItemNamed(text: String, problem: String) {
    #expect {
      try HeartAnomalies(parsing: text)
    } throws: { error in
      guard let error = error as? HeartAnomalies.ParseError else { return false }
      return error.item == text && error.problem.contains(problem)
        && error.description.hasPrefix("--heart-anomalies: ")
    }
  }

  @Test func aHugeStartIsAUsageErrorOfIrectl() throws {
    let (status, _, err) = try HardwareCommandTests.irectl([
      "simulate", Paths.protocolFile("pancreas-2probe"), "--heart-anomalies", "asystole=1e12+5",
      "--record", Paths.temporary("never-written.sqlite"),
    ])
    #expect(status == 2, "\(err)")
    #expect(err.contains("--heart-anomalies: START must be 0...86400 seconds"))
    #expect(err.contains("\"asystole=1e12+5\""))
  }
}
