import Controller
import LinuxBackend
import Testing

/// What `irectl selftest` says of the GPIO library and of the trigger line's edge events: the
/// libgpiod the controller was built against, and the clock its edges are stamped on, which must
/// be the sequencer's CLOCK_MONOTONIC. (The kernel-driver tests run selftest on gpio-sim with
/// both libgpiod versions.)
@Suite("Selftest: libgpiod and the edge clock")
struct SelfTestGPIOTests {
  @Test func theLibraryRowNamesTheVersionAndHowLinesAreRequested() {
    let two = SelfTest.library(api: 2, version: "2.1.3")
    #expect(two.result == .pass)
    #expect(two.detail == "2.1.3 (v2 API), one request per chip")
    #expect(SelfTest.library(api: 1, version: "1.6.3").detail == "1.6.3 (v1 API), one request per line")
  }

  @Test func aMonotonicClockIsFitAndOtherClocksAreNot() {
    let read = SelfTest.edgeEvents(clock: .monotonic, countsLost: true)
    #expect(read.result == .pass)
    #expect(read.detail.contains("CLOCK_MONOTONIC, read back; lost edges counted"))
    let one = SelfTest.edgeEvents(clock: .unreported, countsLost: false)
    #expect(one.result == .pass)
    #expect(one.detail.contains("lost edges cannot be counted with libgpiod 1"))
    for clock in [EdgeClock.realtime, .hte] {
      let wrong = SelfTest.edgeEvents(clock: clock, countsLost: true)
      #expect(wrong.result == .fail)
      #expect(wrong.detail.contains(clock.rawValue))
    }
  }

  /// A chip this user cannot open: not fit when a line is missing (it may be there), a warning
  /// when every line was had; no row when every chip opened.
  @Test func aChipThatCannotBeOpenedFailsOnlyWhenALineIsMissing() throws {
    let problem = "open /dev/gpiochip1: Permission denied (EACCES); add the user to group gpio"
    let missing = try #require(SelfTest.chips([problem], linesFound: false))
    #expect(missing.result == .fail)
    #expect(missing.detail == problem)
    let found = try #require(SelfTest.chips([problem], linesFound: true))
    #expect(found.result == .warn)
    #expect(found.detail.hasPrefix(problem))
    #expect(SelfTest.chips([], linesFound: true) == nil)
  }

  /// On a machine without the board, the table still opens with the library this build uses.
  @Test func theTableOpensWithTheBuildsLibgpiod() throws {
    let report = try SelfTest.run(boardPath: Paths.config("boards/reference.yaml"))
    let first = try #require(report.checks.first)
    #expect(first.name == "libgpiod")
    #expect(first.detail.hasPrefix("\(GPIOLibrary.version) (v\(GPIOLibrary.api) API)"))
    #expect(!report.fitToTreat)
  }
}
