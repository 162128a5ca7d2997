import Atomics
import Foundation
import Sequencer

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT and SIGTERM end a treatment the safe way: not in a signal handler (which could do
/// almost nothing safely), but as an abort command through the timing loop's command ring, so
/// that the outputs go safe first, then the record and the summary are written, then the
/// process exits. The signals are blocked in every thread and taken by one thread with
/// `sigwait`, which pushes through the sequencer's inbox (a console may push too).
public enum SignalRelay {
  private static let receivedFlag = ManagedAtomic<Bool>(false)
  /// A SIGINT or SIGTERM has come: whoever waits on something else (a console) should stop.
  public static var received: Bool { receivedFlag.load(ordering: .acquiring) }

  /// Blocks SIGINT and SIGTERM in the calling thread and every thread it creates from now on.
  /// Call before starting any thread.
  public static func blockTerminationSignals() {
    var set = terminationSignals()
    pthread_sigmask(SIG_BLOCK, &set, nil)
  }

  /// Starts the thread that turns each SIGINT or SIGTERM into an abort of `sequencer`.
  public static func relay(to sequencer: TreatmentSequencer) {
    let commands = sequencer.inbox
    let thread = Thread {
      var set = terminationSignals()
      while true {
        var signal: Int32 = 0
        guard sigwait(&set, &signal) == 0 else { continue }
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        receivedFlag.store(true, ordering: .releasing)
        commands.push(.abort(reason: "\(name) received: treatment stopped, outputs safe"))
      }
    }
    thread.name = "irectl-signals"
    thread.start()
  }

  private static func terminationSignals() -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    return set
  }
}
