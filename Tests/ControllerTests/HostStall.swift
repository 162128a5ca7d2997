import Controller
import Foundation
import Record
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Real-time treatments of `irectl` on a machine that does not always run them in real time.
///
/// A wall-clock treatment's timing thread runs SCHED_FIFO with its memory locked, and still the
/// machine can hold it past the watchdog's 20 ms: the virtual machines tests run on lose their
/// CPUs to the host now and then (the kernel counts it as steal: 20 ms in 30 s measured on the
/// 2-core CI machine while a test ran), and under the thread sanitizer every access of `irectl`
/// goes through the sanitizer's runtime, whose own locks can hold it for tens of milliseconds.
/// The treatment then latches a `timing` fault and ends, as it must; it is what the product
/// does when its timing thread stalls, and says nothing of what the test looks at.
///
/// So a test of a real-time treatment runs again when its treatment ended in a `timing` fault,
/// at most `attempts` times in all, each repeat said on standard output with how long the host
/// took the CPUs meanwhile. The last attempt is checked whatever its end, so a loop that stalls
/// in every run fails every attempt and the test (one that stalls in some runs may pass:
/// docs/security.md). An attempt's issues are set aside (as known issues, shown as such) only
/// once its treatment has latched a `timing` fault.
enum HostStall {
  static let attempts = 3

  /// Runs `act` (a scenario, up to the end of its `irectl`; given the attempt's number, from 1,
  /// to name its files apart from an earlier attempt's) again while its treatment `stalled`
  /// and attempts remain; returns the last run's outcome, for the test to check.
  static func attempt<Outcome>(
    _ name: String, _ act: (Int) throws -> Outcome, stalled: (Outcome) -> Bool
  ) throws -> Outcome {
    var attempt = 1
    var steal = Steal()
    var outcome = try act(attempt)
    while attempt < attempts, stalled(outcome) {
      attempt += 1
      say(name, attempt: attempt, steal: steal.taken())
      outcome = try act(attempt)
    }
    return outcome
  }

  /// Runs `scenario` (which checks as it goes) on what `start` makes for each attempt (a
  /// treatment, the paths of its files), again while that attempt's treatment latched a
  /// `timing` fault (`stalled`, asked of what `start` made) and attempts remain. An issue the
  /// scenario records once that fault is written, or an error it throws out of an attempt whose
  /// treatment has the fault by then, is a known issue; the last attempt's issues all count.
  /// `end` removes what `start` made, after the fault was looked for: a scenario's own cleanup
  /// must not remove what `stalled` reads.
  static func run<Subject>(
    _ name: String, start: (Int) throws -> Subject, stalled: @escaping @Sendable (Subject) -> Bool,
    end: (Subject) -> Void, _ scenario: (Subject) throws -> Void
  ) throws {
    for attempt in 1..<attempts {
      var steal = Steal()
      let subject = try start(attempt)
      defer { end(subject) }
      let excused = Locked(false)
      let witness = Witness(subject, stalled)
      try withKnownIssue(
        "the treatment latched a timing fault: the machine held its timing thread", isIntermittent: true
      ) {
        try scenario(subject)
      } matching: { _ in
        // Once the fault is seen, whatever follows in the attempt is the stall's.
        guard excused.value || witness.stalled() else { return false }
        excused.mutate { $0 = true }
        return true
      }
      guard excused.value else { return }
      say(name, attempt: attempt + 1, steal: steal.taken())
    }
    let subject = try start(attempts)
    defer { end(subject) }
    try scenario(subject)
  }

  /// What the known-issue matcher (which must be `Sendable`) asks whether the attempt stalled.
  private struct Witness<Subject>: @unchecked Sendable {
    let subject: Subject
    let ask: @Sendable (Subject) -> Bool
    init(_ subject: Subject, _ ask: @escaping @Sendable (Subject) -> Bool) {
      self.subject = subject
      self.ask = ask
    }
    func stalled() -> Bool { ask(subject) }
  }

  /// A name for attempt `attempt`'s files: the name itself for the first.
  static func named(_ name: String, _ attempt: Int) -> String {
    attempt == 1 ? name : "\(name)-\(attempt)"
  }

  private static func say(_ name: String, attempt: Int, steal: Int?) {
    let host =
      steal.map {
        $0 > 0
          ? "; the host took \($0) ms of this machine's CPUs meanwhile"
          : "; no steal counted meanwhile: the sanitizer's runtime, or the loop itself"
      } ?? ""
    print(
      "\(name): the timing thread was held past the watchdog (a timing fault\(host)); attempt \(attempt) of \(attempts)"
    )
  }

  /// Whether the treatment whose record is at `path` latched a `timing` fault: written there as
  /// it latches, before the treatment closes its session and writes its summary.
  static func timingFault(record path: String) -> Bool {
    guard FileManager.default.fileExists(atPath: path), let record = try? TreatmentRecord(path: path),
      let sessions = try? record.sessions()
    else { return false }
    return sessions.contains { session in
      ((try? record.rows(of: session.session)) ?? []).contains {
        $0.table == "interlock_events" && $0.values["event"] == .text("fault")
          && $0.values["interlock"] == .text("timing")
      }
    }
  }

  /// Whether the treatment whose summary (`--summary-json`) is at `path` ended in a `timing`
  /// fault.
  static func timingFault(summary path: String) -> Bool {
    let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
    let summary = try? JSONDecoder().decode(TreatmentSummary.self, from: data)
    return (summary?.faults ?? []).contains { $0.interlock == "timing" }
  }

  /// The CPU time the hypervisor took from this machine since `init` (/proc/stat's steal column,
  /// all CPUs), in milliseconds; `nil` where the kernel does not count it.
  struct Steal {
    private var start = Self.now()

    mutating func taken() -> Int? {
      let end = Self.now()
      defer { start = end }
      guard let start, let end else { return nil }
      return end - start
    }

    /// The steal column of /proc/stat's first line, in milliseconds.
    private static func now() -> Int? {
      guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
        let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
      else { return nil }
      let fields = line.split(separator: " ")
      guard fields.count > 8, let ticks = Int(fields[8]) else { return nil }
      return ticks * 1000 / Int(sysconf(Int32(_SC_CLK_TCK)))
    }
  }
}
