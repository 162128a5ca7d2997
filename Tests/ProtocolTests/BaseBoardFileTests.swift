import Foundation
import Protocol
import Testing

/// `base:`: a board file that takes its hardware sections from another board file.
struct BaseBoardFileTests {
  static let derived = """
    format: 1
    name: test-board-sim
    base: base.yaml
    backend: simulator

    """ + BoardSample.simulator

  @Test func theSimulatedReferenceBoardInheritsTheReferenceBoard() throws {
    let real = try BoardFile.load(path: Fixtures.boardsDirectory + "/reference.yaml")
    let simulated = try BoardFile.load(path: Fixtures.boardsDirectory + "/reference-sim.yaml")
    #expect(simulated.name == "reference-board-sim")
    #expect(simulated.backend == .simulator)
    #expect(simulated.gpio == real.gpio)
    #expect(simulated.i2c == real.i2c)
    #expect(simulated.limits == real.limits)
    #expect(simulated.interlocks == real.interlocks)
    #expect(simulated.simulator?.tissue.needleRadius.value == 0.53)
    #expect(simulated.simulator?.wakeLatencyMax.value == 150)
  }

  @Test func hardwareSectionsBelongInTheBase() throws {
    let directory = try BoardSample.directory([
      "base.yaml": BoardSample.text,
      "sim.yaml": Self.derived + "limits: { max_voltage_v: 2000 }\n",
    ])
    #expect(
      Fixtures.errorLines { _ = try BoardFile.load(path: directory + "/sim.yaml") } == [
        "\(directory)/sim.yaml:22:1: limits: not allowed with base: set it in the base file"
      ])
  }

  /// A simulator board is never a generator: `test_fixture` is refused there, and a fixture's
  /// mark is not inherited from a base.
  @Test func aTestFixtureIsALinuxBoardThatSaysSoItself() throws {
    let directory = try BoardSample.directory([
      "base.yaml": BoardSample.text.replacingOccurrences(
        of: "backend: linux", with: "backend: linux\ntest_fixture: true"),
      "sim.yaml": Self.derived.replacingOccurrences(
        of: "backend: simulator", with: "backend: simulator\ntest_fixture: true"),
      "linux.yaml": "format: 1\nname: derived\nbase: base.yaml\nbackend: linux\n",
    ])
    #expect(try BoardFile.load(path: directory + "/base.yaml").testFixture)
    #expect(try BoardFile.load(path: directory + "/linux.yaml").testFixture == false)
    #expect(
      Fixtures.errorLines { _ = try BoardFile.load(path: directory + "/sim.yaml") } == [
        "\(directory)/sim.yaml:5:1: test_fixture: only with backend: linux (a simulator board is never a generator)"
      ])
  }

  @Test func errorsInTheBaseNameTheBaseFile() throws {
    let directory = try BoardSample.directory([
      "base.yaml": Fixtures.edited(BoardSample.text, [("adc", "adc: 0x30")]),
      "sim.yaml": Self.derived,
    ])
    #expect(
      Fixtures.errorLines { _ = try BoardFile.load(path: directory + "/sim.yaml") } == [
        "\(directory)/base.yaml:22:8: i2c.adc: the same address as i2c.supervisor (found: 0x30)"
      ])
  }

  @Test func aBaseMayNotHaveABase() throws {
    let directory = try BoardSample.directory([
      "base.yaml": Fixtures.edited(BoardSample.text, [("backend", "backend: linux\nbase: other.yaml")]),
      "sim.yaml": Self.derived,
    ])
    #expect(
      Fixtures.errorLines { _ = try BoardFile.load(path: directory + "/sim.yaml") } == [
        "\(directory)/base.yaml:4:1: base: a base file cannot have a base of its own"
      ])
  }

  @Test func aMissingBaseFile() throws {
    let directory = try BoardSample.directory(["sim.yaml": Self.derived])
    #expect(
      Fixtures.errorLines { _ = try BoardFile.load(path: directory + "/sim.yaml") } == [
        "\(directory)/sim.yaml:3:7: base: cannot read the base file (found: \(directory)/base.yaml)"
      ])
  }

  @Test func aBaseNeedsADirectory() {
    #expect(
      Fixtures.errorLines {
        _ = try BoardFile.decode(yaml: Self.derived, file: "sim.yaml", baseDirectory: nil)
      } == [
        "sim.yaml:3:7: base: a base file can only be used when the board file is loaded from a path"
      ])
  }

  @Test func simulatorRelaysAreCheckedAgainstTheBaseInterlocks() throws {
    let directory = try BoardSample.directory([
      "base.yaml": Fixtures.edited(BoardSample.text, [("relay_settle_ms", "relay_settle_ms: 5")]),
      "sim.yaml": Self.derived,
    ])
    #expect(
      Fixtures.errorLines { _ = try BoardFile.load(path: directory + "/sim.yaml") } == [
        "\(directory)/sim.yaml:19:46: simulator.relays.settle_max_ms: out of range (allowed: 0..5; found: 8)"
      ])
  }

  @Test func fileKindDetection() throws {
    let directory = try BoardSample.directory([
      "base.yaml": BoardSample.text, "sim.yaml": Self.derived, "p.yaml": ProtocolSample.text,
    ])
    #expect(try ConfigurationFileKind.detect(path: directory + "/base.yaml") == .board)
    #expect(try ConfigurationFileKind.detect(path: directory + "/sim.yaml") == .board)
    #expect(try ConfigurationFileKind.detect(path: directory + "/p.yaml") == .treatmentProtocol)
  }
}
