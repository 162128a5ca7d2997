import Atomics
import Foundation
import Sequencer
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The signals that reach a running treatment end it the safe way, or not at all.
///
/// SIGINT (Ctrl-C), SIGTERM (a service stopping), SIGHUP (the terminal hung up: an SSH session
/// dropped) and SIGQUIT (Ctrl-\) end the treatment: not in a signal handler (which could do
/// almost nothing safely), but as an abort command through the timing loop's command ring,
/// naming the signal, so that the outputs go safe first, then the record and the summary are
/// written, then the process exits. SIGTSTP (Ctrl-Z) is refused while a treatment runs: a
/// stopped controller would leave the bank to the watchdog; the terminal is told why. The
/// signals are blocked in every thread and taken by one thread with `sigwait`, which pushes
/// through the sequencer's inbox (a console may push too).
///
/// SIGPIPE is ignored by the whole process (`ignoreBrokenPipes`): a reader that went away is
/// an error of the write, never the end of the controller.
public enum SignalRelay {
  private static let receivedFlag = ManagedAtomic<Bool>(false)
  /// A signal that ends the treatment has come: whoever waits on something else (a console)
  /// should stop.
  public static var received: Bool { receivedFlag.load(ordering: .acquiring) }

  /// The signals that end a treatment, with their names for the abort reason.
  static let ending: [(signal: Int32, name: String)] = [
    (SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGQUIT, "SIGQUIT"),
  ]

  /// What the terminal is told when Ctrl-Z comes during a treatment.
  public static let suspendRefused = "Ctrl-Z ignored: a treatment is running; use Ctrl-C to stop it safely"

  /// Ignores SIGPIPE in the whole process (and the processes it starts): writing to a pipe or
  /// socket whose reader is gone fails with EPIPE instead of killing irectl. Call first.
  public static func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
  }

  /// Blocks the ending signals and SIGTSTP in the calling thread and every thread it creates
  /// from now on. Call before starting any thread.
  public static func blockTerminationSignals() {
    // Whatever handled these before (the language runtime catches SIGQUIT to print a crash
    // backtrace, suspending every thread meanwhile) must never take one instead of the relay.
    // Their handler, which only a thread that leaves them unblocked could ever run, hands the
    // signal on to the relay's thread; before there is one, it does what the signal did by
    // default (the process ends, and the watchdog takes the outputs safe).
    for (signal, _) in ending { Glibc.signal(signal, SignalRelay.forward) }
    var set = relayedSignals()
    pthread_sigmask(SIG_BLOCK, &set, nil)
  }

  /// The relay's thread once it waits (`pthread_t`), or 0.
  private static let relayThread = ManagedAtomic<UInt>(0)

  /// Async-signal-safe: a lock-free load, `pthread_kill`, `signal`, `raise`.
  private static let forward: @convention(c) (Int32) -> Void = { received in
    let thread = relayThread.load(ordering: .acquiring)
    if thread != 0 {
      pthread_kill(pthread_t(thread), received)
    } else {
      Glibc.signal(received, SIG_DFL)
      raise(received)
    }
  }

  /// The inbox of the treatment running now, which the relay's thread aborts.
  private static let target = Mutex<CommandInbox?>(nil)
  private static let relayStarted = ManagedAtomic<Bool>(false)

  /// Makes `sequencer` the treatment that each ending signal aborts, and refuses each SIGTSTP
  /// with a line on standard error. One thread takes the signals for the process's whole life,
  /// however many treatments it runs one after another (`simulate --repeat`): a signal always
  /// reaches the treatment running now, and a signal that came before it (between two
  /// treatments) aborts it at once.
  public static func relay(to sequencer: TreatmentSequencer) {
    let inbox = sequencer.inbox
    target.withLock { $0 = inbox }
    if receivedFlag.load(ordering: .sequentiallyConsistent) {
      inbox.push(.abort(reason: "a stop signal was received: treatment stopped, outputs safe"))
    }
    guard
      relayStarted.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    else { return }
    let thread = Thread {
      var set = relayedSignals()
      relayThread.store(UInt(pthread_self()), ordering: .releasing)
      while true {
        var signal: Int32 = 0
        guard sigwait(&set, &signal) == 0 else { continue }
        guard let name = ending.first(where: { $0.signal == signal })?.name else {
          TerminalWriter.say(suspendRefused)
          continue
        }
        receivedFlag.store(true, ordering: .sequentiallyConsistent)
        let current = target.withLock { $0 }
        current?.push(.abort(reason: "\(name) received: treatment stopped, outputs safe"))
      }
    }
    thread.name = "irectl-signals"
    thread.start()
  }

  private static func relayedSignals() -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    for (signal, _) in ending { sigaddset(&set, signal) }
    sigaddset(&set, SIGTSTP)
    return set
  }
}
