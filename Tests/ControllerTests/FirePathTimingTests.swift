import HAL
import Protocol
import Sequencer
import Simulator
import Testing
import Units

/// The pulse's instant when every line access costs time: a clock that charges 2 µs for each
/// read and write of the simulated board, so that the last look (five reads) takes 10 µs
/// between the spin and the edge. The lead measured before the first pulse puts each edge on
/// its instant; none leaves before it (by more than 1 µs) or after its window.
@Suite("Fire path timing on a clock that charges every line access")
struct FirePathTimingTests {
  static let charge = Nanoseconds.microseconds(2)

  /// `calibrationCharge`: what each access costs while the look is measured, after the bring-up
  /// and long before the first pulse (until 100 ms into the run; the first beat's check comes
  /// after the bank has charged, hundreds of milliseconds later).
  func run(calibration: Int, calibrationCharge: Nanoseconds = charge) throws -> (
    InProcessTreatment, [FireTrace]
  ) {
    let traces = FireTraceRecorder(capacity: 64)
    let treatment = try InProcessTreatment.run(
      Paths.fixture("short-ecg"),
      prepare: { board, sequencer in
        board.clock.accessCharge = calibrationCharge
        board.clock.schedule(at: board.clock.now + .milliseconds(100)) {
          board.clock.accessCharge = Self.charge
        }
        sequencer.lookCalibrationSamples = calibration
        sequencer.fireTraces = traces
      })
    return (treatment, traces.values)
  }

  @Test func everyEdgeLeavesOnItsInstant() throws {
    let (treatment, traces) = try run(calibration: 8)
    guard case .completed = treatment.outcome else {
      Issue.record("did not complete: \(treatment.outcome)")
      return
    }
    let pulses = treatment.events.pulses
    #expect(pulses.count == 5)
    for pulse in pulses {
      let error = pulse.fired - pulse.scheduled
      #expect(error >= Nanoseconds(-1_000), "pulse \(pulse.index) early by \(error)")
      #expect(error <= Nanoseconds(1_000), "pulse \(pulse.index) late by \(error)")
    }
    #expect(traces.count == 5)
    for trace in traces {
      #expect(trace.look == Self.charge * 5, "the last look is the five interlock lines")
      #expect(trace.lead == Self.charge * 5)
      #expect(trace.lookEnded <= trace.instant && trace.instant - trace.lookEnded < .microseconds(1))
      #expect(trace.fireWrite == Self.charge, "the instant is read before the write, not after it")
    }
  }

  /// Without the lead measured at start, the first look makes its pulse late by the look's
  /// cost, never early; the lead tracked from it puts the next ones on their instants.
  @Test func withoutCalibrationOnlyTheFirstPulseIsLateByItsLook() throws {
    let (treatment, _) = try run(calibration: 0)
    let errors = treatment.events.pulses.map { $0.fired - $0.scheduled }
    #expect(errors.count == 5)
    #expect(errors.first == Self.charge * 5)
    #expect(errors.dropFirst().allSatisfy { $0 == .zero })
  }

  /// A lead measured on a slower bus than the one at the edge: each look comes back 10 µs
  /// before its instant and waits for it on the clock, still reading for a stop; no edge
  /// leaves early.
  @Test func aLookThatComesBackEarlyWaitsForTheInstant() throws {
    let (treatment, traces) = try run(calibration: 8, calibrationCharge: Self.charge * 2)
    let errors = treatment.events.pulses.map { $0.fired - $0.scheduled }
    #expect(errors.count == 5)
    #expect(errors.allSatisfy { $0 == .zero }, "\(errors)")
    #expect(traces.count == 5)
    #expect(traces.allSatisfy { $0.lead > $0.look && $0.settle == $0.lead - $0.look })
  }

  /// Lines whose lid line cannot be read.
  final class UnreadableLid: GPIOLines {
    let lines: any GPIOLines
    init(_ lines: any GPIOLines) { self.lines = lines }
    func read(_ role: LineRole) throws -> Bool {
      guard role != .lidClosed else { throw HALError.lineUnavailable(role: role, detail: "read failed") }
      return try lines.read(role)
    }
    func write(_ role: LineRole, _ value: Bool) throws { try lines.write(role, value) }
    func nextEdge(on role: LineRole, notAfter deadline: Instant) throws -> Edge? {
      try lines.nextEdge(on: role, notAfter: deadline)
    }
  }

  /// The look is timed once the lines are brought up, inside the treatment: a line that fails
  /// there is a sensor fault reported like any other, not an error thrown past the record.
  @Test func aLineThatFailsWhileTheLookIsTimedIsASensorFault() throws {
    let treatment = try InProcessTreatment.run(
      Paths.fixture("short-ecg"), lines: { UnreadableLid($0) },
      prepare: { _, sequencer in sequencer.lookCalibrationSamples = 8 })
    guard case .faulted(let fault, _, _) = treatment.outcome else {
      Issue.record("not a fault: \(treatment.outcome)")
      return
    }
    #expect(fault.interlock == .sensor)
    #expect(treatment.board.fireEdges.isEmpty)
    #expect(try treatment.board.gpio.read(.hvEnable) == false)
  }
}
