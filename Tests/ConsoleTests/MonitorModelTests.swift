import Telemetry
import Testing

@testable import Console

/// The console's picture of the treatment, from the lines alone.
struct MonitorModelTests {
  func model(_ messages: [TelemetryMessage]) -> MonitorModel {
    var model = MonitorModel()
    for message in messages { model.apply(message) }
    return model
  }

  @Test func countsAndThePlanComeFromTheLines() {
    let model = model(Messages.underWay(pulses: 25))
    #expect(model.totalPulses == 200)
    #expect(model.delivered == 25)
    #expect(model.pulses.count == 25)
    #expect(model.pulses.filter(\.test).count == 10)
    #expect(model.lastPulse?.index == 24)
    #expect(model.phase == "therapy")
    #expect(model.heartRate.map { Int($0.rounded()) } == 60)
    #expect(model.secondsLeft.map { Int($0.rounded()) } == 175)
  }

  @Test func aNewPairStartsANewPlot() {
    var messages = Messages.underWay(pulses: 12)
    messages.append(Messages.phase("switching", pair: 1))
    messages.append(Messages.pulse(12, pair: 1, at: 20_000))
    let model = model(messages)
    #expect(model.pair == 1)
    #expect(model.pulses.count == 1)
    #expect(model.delivered == 13)
  }

  @Test func aFaultIsLatchedUntilTheStateMovesOn() {
    var messages = Messages.underWay(pulses: 3)
    messages.append(Messages.fault("estop", "emergency stop pressed", pulse: 3, at: 4000))
    messages.append(Messages.state("latched", cause: "estop", reason: "emergency stop pressed", at: 4000))
    var model = model(messages)
    #expect(model.interlockStatus("estop") == (failing: true, latched: true))
    #expect(model.interlockStatus("lid") == (failing: false, latched: false))
    #expect(model.events.last?.severity == .fault)
    model.apply(Messages.state("idle", at: 9000))
    #expect(model.interlockStatus("estop") == (failing: false, latched: false))
  }

  @Test func aHelloStartsOver() {
    var model = model(Messages.underWay(pulses: 5))
    model.apply(Messages.hello())
    #expect(model.delivered == 0)
    #expect(model.events.isEmpty)
  }

  @Test func theSameEventAgainIsCountedNotRepeated() {
    var messages = Messages.underWay(pulses: 2)
    var skip = TelemetryMessage(.skipped, at: 5000)
    skip.reason = "not_ready"
    messages += [skip, skip, skip]
    let model = model(messages)
    #expect(model.events.last?.text == "beat skipped: not_ready")
    #expect(model.events.last?.repeats == 3)
    #expect(model.skipped == 3)
  }
}
