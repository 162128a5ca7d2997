import Controller
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Real-time treatments of `irectl` processes built with the thread sanitizer.
///
/// Under the thread sanitizer every memory access and every synchronisation of `irectl` goes
/// through the sanitizer's runtime, whose own locks and first-time work can hold the timing
/// thread for tens, at times hundreds, of milliseconds: past the watchdog's 20 ms, so the
/// treatment latches a `timing` fault and ends, as it must (measured under the sanitizer: 112 ms
/// late at the first pause in 1 of 30 pause floods; docs/security.md). The sanitizer's run looks
/// for races, not at timing; a run that ended in a `timing` fault there is run again, at most
/// `attempts` times in all, each repeat said on standard output, and the last run is checked
/// whatever its end. In the normal build a `timing` fault is checked like any other end: it fails
/// the test.
enum SanitizerStall {
  /// Whether this test binary was built with the thread sanitizer (its runtime is linked in,
  /// and with it into the `irectl` beside it).
  static let threadSanitizer: Bool = dlsym(dlopen(nil, RTLD_NOW), "__tsan_init") != nil

  static let attempts = 3

  /// Runs `act` (a scenario, up to the end of its `irectl`; given the attempt's number, from 1,
  /// to name its files apart from an earlier attempt's) again while the sanitizer's runtime
  /// `stalled` it and attempts remain; returns the last run's outcome, for the test to check.
  static func attempt<Outcome>(
    _ name: String, _ act: (Int) throws -> Outcome, stalled: (Outcome) -> Bool
  ) throws -> Outcome {
    var attempt = 1
    var outcome = try act(attempt)
    while threadSanitizer, attempt < attempts, stalled(outcome) {
      attempt += 1
      print(
        "\(name): the thread sanitizer held the timing thread past the watchdog (a timing fault); attempt \(attempt) of \(attempts)"
      )
      outcome = try act(attempt)
    }
    return outcome
  }

  /// Whether the treatment whose summary (`--summary-json`) is at `path` ended in a `timing`
  /// fault.
  static func timingFault(summary path: String) -> Bool {
    let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
    let summary = try? JSONDecoder().decode(TreatmentSummary.self, from: data)
    return (summary?.faults ?? []).contains { $0.interlock == "timing" }
  }
}
