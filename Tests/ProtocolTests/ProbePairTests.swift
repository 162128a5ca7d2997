import Protocol
import Testing
import Units

/// Pairs: shape, probes, spacing and voltage, totals against the board, and resolution.
struct ProbePairTests {
  let board: BoardDescription
  init() throws { board = try Fixtures.referenceBoard() }

  func errors(_ changes: [(String, String?)], on board: BoardDescription? = nil) -> [String] {
    ProtocolSample.errors(changes, board: board ?? self.board)
  }

  @Test func wrongPairs() {
    #expect(
      errors([("- [1, 2]", "- [1, 1]")]) == [
        "p.yaml:30:5: pairs[0]: anode and cathode must be different probes (found: 1–1)"
      ])
    #expect(
      errors([("- [1, 2]", "- [1, 5]")]) == [
        "p.yaml:30:9: pairs[0][1]: no probe with this id (allowed: 1, 2, 3; found: 5)"
      ])
    #expect(
      errors([("- [1, 2]", "- [1, 2, 3]")]) == [
        "p.yaml:30:5: pairs[0]: a pair is [anode, cathode] (allowed: [anode, cathode] or { anode, cathode, voltage_v }; found: 3 items)"
      ])
    #expect(
      errors([("- { anode: 1", "- { anode: 1, cathode: 2 }")]) == [
        "p.yaml:31:5: pairs[1]: pair listed twice (first at pairs[0]) (found: 1–2)"
      ])
    #expect(
      errors([("- { anode: 1", "- { anode: 1 }")]) == [
        "p.yaml:31:5: pairs[1].cathode: missing key"
      ])
  }

  @Test func spacingOutOfRange() {
    #expect(
      errors([("- { id: 2", "- { id: 2, x_mm: 35, y_mm: 5.3, exposure_mm: 15 }")]) == [
        "p.yaml:30:5: pairs[0]: probe spacing of pair 1–2 out of range (allowed: 5..30 mm; found: 35.4 mm)"
      ])
  }

  @Test func voltageOutOfRange() {
    #expect(
      errors([("- [1, 2]", "- [1, 3]"), ("- { anode: 1", "- { anode: 2, cathode: 3, voltage_v: 3500 }")]) == [
        "p.yaml:30:5: pairs[0]: voltage of pair 1–3 (1500 V/cm × 21.2 mm) out of range: set voltage_v or change the field (allowed: 100..3000 V; found: 3182 V)",
        "p.yaml:31:40: pairs[1].voltage_v: voltage of pair 2–3 out of range (allowed: 100..3000 V; found: 3500 V)",
      ])
  }

  @Test func pulseTotalsAgainstTheBoard() {
    var small = board
    small.limits.maxPulsesPerPair = 50
    small.limits.maxPulsesPerTreatment = 150
    #expect(
      errors([], on: small) == [
        "p.yaml:22:11: therapy.pulses: too many pulses per pair for the board: test + therapy (allowed: <= 50; found: 100)",
        "p.yaml:30:3: pairs: too many pulses in the treatment for the board: pairs × (test + therapy) (allowed: <= 150; found: 200)",
      ])
  }

  @Test func aTrainMustFitBetweenTwoTriggers() {
    let wholeTrains = [
      ("pulses: 90", "pulses: 20"), ("set_size", "set_size: 20"), ("pulses: 10", "pulses: 20"),
    ]
    #expect(errors([("train", "train: { pulses: 20, period_us: 21000 }")] + wholeTrains) == ["no error"])
    #expect(
      errors([("train", "train: { pulses: 20, period_us: 21100 }")] + wholeTrains) == [
        "p.yaml:10:10: pulse.train: the train lasts longer than the shortest time between two triggers (allowed: < 400000 µs; found: 400990 µs)"
      ])
  }

  @Test func countsAreWholeTrains() {
    #expect(
      errors([("train", "train: { pulses: 8, period_us: 200 }")]) == [
        "p.yaml:19:11: test.pulses: must be whole trains: a trigger fires all 8 pulses of pulse.train (allowed: a multiple of 8; found: 10)",
        "p.yaml:22:11: therapy.pulses: must be whole trains: a trigger fires all 8 pulses of pulse.train (allowed: a multiple of 8; found: 90)",
        "p.yaml:23:13: therapy.set_size: must be whole trains: a trigger fires all 8 pulses of pulse.train (allowed: a multiple of 8; found: 10)",
      ])
  }

  @Test func liverPairsAreResolved() throws {
    let liver = try ProtocolFile.load(
      path: Fixtures.protocolsDirectory + "/liver-4probe-box.yaml", board: board)
    #expect(liver.pairs.map(\.label) == ["1–2", "2–3", "3–4", "4–1", "1–3", "2–4"])
    let box = liver.pairs[0]
    #expect(box.spacing == Millimetres(15))
    #expect(box.voltage == Volts(2250))
    #expect(box.exposure == Millimetres(15))
    let diagonal = liver.pairs[4]
    #expect(abs(diagonal.spacing.value - 21.21) < 0.01)
    #expect(diagonal.voltage == Volts(2800))
    #expect(liver.totalPulses == 600)
  }

  @Test func oneTrainIsItsPulses() throws {
    let esope = try ProtocolFile.load(
      path: Fixtures.protocolsDirectory + "/esope-ect-8x100.yaml", board: board)
    #expect(esope.pulse.train == PulseTrain(pulses: 8, period: Microseconds(200)))
    #expect(esope.sync == .fixedRate(Hertz(1)))
    #expect(esope.test == TestPulses(pulses: 0, currentRange: nil))
    #expect(esope.pairs.first?.voltage == Volts(1040))
    #expect(esope.totalPulses == 8, "one 8-pulse train on one pair")
  }
}
