import Atomics
import CRealtime
import Protocol

#if canImport(Glibc)
  import Glibc
#endif

/// Whether the timing thread got what a real-time loop needs, and if not, why.
public struct RealtimeStatus: Sendable, Equatable, CustomStringConvertible {
  /// `nil` when SCHED_FIFO is in force; otherwise why not.
  public var schedulingProblem: String?
  /// `nil` when all memory is locked; otherwise why not.
  public var memoryProblem: String?
  /// `nil` when the thread runs where the board asked (`timing.cpu`, or anywhere); otherwise
  /// why not.
  public var cpuProblem: String?
  /// The CPU the thread is pinned to, if the board asked for one and got it.
  public var cpu: Int?
  public var priority: Int
  /// Real time was not asked for (the virtual clock needs none).
  public var notRequested: Bool

  public var inForce: Bool {
    !notRequested && schedulingProblem == nil && memoryProblem == nil && cpuProblem == nil
  }

  public var description: String {
    if notRequested {
      return "virtual clock: the timing thread runs without real-time scheduling (none needed)"
    }
    let scheduling = schedulingProblem.map { "no SCHED_FIFO (\($0))" } ?? "SCHED_FIFO priority \(priority)"
    let memory = memoryProblem.map { "memory not locked (\($0))" } ?? "memory locked"
    let placement = cpuProblem.map { ", not on its CPU (\($0))" } ?? cpu.map { ", on CPU \($0)" } ?? ""
    return "\(scheduling), \(memory)\(placement)"
  }
}

/// The dedicated thread that runs the timing loop: SCHED_FIFO at the board's priority and all
/// memory locked where the system permits, so that neither another process nor a page fault
/// delays a pulse. Where it is not permitted the thread still runs, and `status` says why; the
/// caller decides whether that is acceptable (never on real hardware unless the board file
/// allows it; always on the simulator, which says so).
public final class TimingThread: @unchecked Sendable {
  public private(set) var status: RealtimeStatus
  private var thread = pthread_t()
  private let done = ManagedAtomic<Bool>(false)
  private var body: () -> Void = {}
  private let realtime: TimingSettings?

  /// Prepares the thread (locking memory where asked); `realtime` nil makes it an ordinary
  /// thread. Nothing runs until `start`.
  public init(realtime: TimingSettings?) {
    self.realtime = realtime
    var status = RealtimeStatus(
      schedulingProblem: nil, memoryProblem: nil, priority: realtime?.priority ?? 0,
      notRequested: realtime == nil)
    if let realtime, realtime.lockMemory, mlockall(Int32(MCL_CURRENT | MCL_FUTURE)) != 0 {
      status.memoryProblem = "mlockall: \(String(cString: strerror(errno)))"
    } else if let realtime, !realtime.lockMemory {
      status.memoryProblem = "the board file does not ask for it"
    }
    self.status = status
  }

  /// Runs `body` on the new thread.
  public func start(_ body: @escaping () -> Void) {
    self.body = body
    let context = Unmanaged.passRetained(self).toOpaque()
    var created: Int32 = -1
    if let realtime {
      var attributes = pthread_attr_t()
      pthread_attr_init(&attributes)
      if let cpu = realtime.cpu { pin(&attributes, to: cpu) }
      pthread_attr_setinheritsched(&attributes, Int32(PTHREAD_EXPLICIT_SCHED))
      pthread_attr_setschedpolicy(&attributes, SCHED_FIFO)
      var parameters = sched_param(sched_priority: Int32(realtime.priority))
      pthread_attr_setschedparam(&attributes, &parameters)
      created = pthread_create(&thread, &attributes, TimingThread.entry, context)
      if created != 0 {
        self.status.schedulingProblem =
          "pthread_create with SCHED_FIFO: \(String(cString: strerror(created)))"
        // Without SCHED_FIFO, still on the board's CPU.
        pthread_attr_setinheritsched(&attributes, Int32(PTHREAD_INHERIT_SCHED))
        created = pthread_create(&thread, &attributes, TimingThread.entry, context)
      }
      pthread_attr_destroy(&attributes)
    }
    if created != 0 {
      let plain = pthread_create(&thread, nil, TimingThread.entry, context)
      precondition(plain == 0, "cannot create the timing thread: \(String(cString: strerror(plain)))")
    }
  }

  /// Puts the thread on `cpu` (`pthread_attr_setaffinity_np`) if this machine has it.
  private func pin(_ attributes: inout pthread_attr_t, to cpu: Int) {
    let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_CONF)))
    guard cpu < cpus else {
      status.cpuProblem = "the board file asks for CPU \(cpu); this machine has CPUs 0...\(cpus - 1)"
      return
    }
    let result = irectl_attr_pin_cpu(&attributes, Int32(cpu))
    if result == 0 {
      status.cpu = cpu
    } else {
      status.cpuProblem = "pthread_attr_setaffinity_np: \(String(cString: strerror(result)))"
    }
  }

  private static let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = {
    context in
    guard let context else { return nil }
    let this = Unmanaged<TimingThread>.fromOpaque(context).takeRetainedValue()
    this.body()
    // The body holds what it runs (a sequencer, its board): let it go, or every run would keep
    // the one before alive through the thread object that its owner holds.
    this.body = {}
    this.done.store(true, ordering: .releasing)
    return nil
  }

  /// What the timing thread would get on this system: SCHED_FIFO at the board's priority and
  /// locked memory, tried on a thread that does nothing. Used before anything moves (a
  /// treatment that requires real time, the selftest).
  public static func probe(_ realtime: TimingSettings) -> RealtimeStatus {
    let thread = TimingThread(realtime: realtime)
    thread.start {}
    thread.join()
    return thread.status
  }

  /// Whether the body has returned.
  public var finished: Bool { done.load(ordering: .acquiring) }

  public func join() { pthread_join(thread, nil) }
}
