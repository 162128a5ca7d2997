import Simulator
import Testing
import Units

@Suite("Fault specifications")
struct FaultSpecTests {
  @Test func readsEveryForm() throws {
    #expect(try FaultSpec(parsing: "estop@pulse=40") == FaultSpec(kind: .estop, when: .pulse(40)))
    #expect(
      try FaultSpec(parsing: "asystole:6@t=120")
        == FaultSpec(kind: .asystole, when: .time(Instant(sinceOrigin: .seconds(120))), duration: .seconds(6))
    )
    #expect(
      try FaultSpec(parsing: "stall:80@t=1.5")
        == FaultSpec(
          kind: .stall, when: .time(Instant(sinceOrigin: .seconds(1.5))), duration: .milliseconds(80)))
    #expect(try FaultSpec(parsing: "i2c-nak:0x48@pulse=0").address == 0x48)
    #expect(try FaultSpec(parsing: "sensor-stuck:73@t=0").address == 73)
    #expect(try FaultSpec(parsing: "lid-open:2@t=10").duration == .seconds(2))
    for kind in FaultSpec.Kind.allCases {
      let argument =
        switch kind {
        case .i2cNak, .sensorStuck, .busStuck: ":0x30"
        case .asystole, .stall: ":5"
        default: ""
        }
      #expect(try FaultSpec(parsing: "\(kind.rawValue)\(argument)@pulse=1").kind == kind)
    }
  }

  /// What the explorer prints is what `--fault` reads back.
  @Test(arguments: [
    "estop@pulse=40", "asystole:6@t=120", "stall:80@t=1.5", "i2c-nak:0x48@step=1234",
    "bus-stuck:0x30@t=0.000001", "lid-open:2.5@t=10.123456789", "footswitch-release@step=1",
    "stall:0.000001@t=1", "lid-open:0.000000001@t=1",
  ])
  func printsWhatItReads(text: String) throws {
    let spec = try FaultSpec(parsing: text)
    #expect(spec.description == text)
    #expect(try FaultSpec(parsing: spec.description) == spec)
  }

  @Test(arguments: [
    ("bogus@t=1", "unknown kind \"bogus\""),
    ("estop", "expected KIND[:ARG]@WHEN"),
    ("estop@later", "WHEN must be pulse=N, t=SECONDS, step=K or step=K+SECONDS"),
    ("estop@step=0", "step=K needs a whole number K >= 1"),
    ("estop@pulse=-1", "pulse=N needs a whole number N >= 0"),
    ("estop@t=nan", "t=SECONDS needs seconds in 0...86400; found \"nan\""),
    ("estop@t=1e12", "t=SECONDS needs seconds in 0...86400; found \"1e12\""),
    ("estop@pulse=99999999999999999999", "pulse=N needs a whole number N >= 0"),
    ("asystole@t=1", "asystole needs its duration in seconds"),
    ("stall@t=1", "stall needs its duration in milliseconds"),
    ("i2c-nak@t=1", "i2c-nak needs a 7-bit I2C address"),
    ("i2c-nak:0x99@t=1", "i2c-nak needs a 7-bit I2C address"),
    ("estop:-3@t=1", "the duration must be seconds in [0.000000001, 3600]"),
    // Found by fuzzing: a duration under a nanosecond rounded to none, printed as `0`, which
    // does not read back.
    ("stall:.00000006@step=1+6.006", "stall needs its duration in milliseconds, in [0.000001, 60000]"),
    ("lid-open:1e-10@t=1", "the duration must be seconds in [0.000000001, 3600]"),
    // Found by fuzzing (scripts/fuzz fault): a step with no K trapped (index out of range).
    ("stall:5@step=+", "step=K needs a whole number K >= 1; found \"+\""),
    ("estop@step=+5", "step=K needs a whole number K >= 1; found \"+5\""),
    ("estop@step=+", "step=K needs a whole number K >= 1"),
    ("estop@step=3+", "step=K+SECONDS needs seconds in 0...86400; found \"\""),
  ])
  func refusesWithAReason(text: String, problem: String) {
    #expect {
      try FaultSpec(parsing: text)
    } throws: { error in
      String(describing: error).contains(problem)
        && String(describing: error).hasPrefix("--fault \"\(text)\"")
    }
  }
}
