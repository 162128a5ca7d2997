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
    guard let realtime else {
      createPlainly(context)
      return
    }
    let wanted = Placement(fifo: true, cpu: realtime.cpu.flatMap { usableCPU($0) })
    var created: Placement?
    var firstError: Int32 = 0
    for placement in Self.placements(wanted) where created == nil {
      let result = create(placement, priority: realtime.priority, context)
      if result == 0 { created = placement } else if firstError == 0 { firstError = result }
    }
    if created == nil { createPlainly(context) }
    let got = created ?? Placement(fifo: false, cpu: nil)
    let problems = Self.problems(wanted: wanted, got: got, error: firstError)
    status.schedulingProblem = problems.scheduling ?? status.schedulingProblem
    status.cpuProblem = problems.cpu ?? status.cpuProblem
    status.cpu = got.cpu
  }

  /// How the thread is created: with SCHED_FIFO or inheriting the creator's scheduling, on one
  /// CPU or wherever the kernel puts it.
  public struct Placement: Equatable, Sendable {
    public var fifo: Bool
    public var cpu: Int?
    public init(fifo: Bool, cpu: Int?) {
      self.fifo = fifo
      self.cpu = cpu
    }
  }

  /// The placements tried, best first: what was asked; then without the CPU (a cpuset that
  /// excludes it refuses the creation, not the attribute); then without SCHED_FIFO, still on
  /// the CPU. The last resort, a thread with no attributes at all, is not in the list.
  public static func placements(_ wanted: Placement) -> [Placement] {
    var tried = [wanted]
    if wanted.cpu != nil { tried.append(Placement(fifo: wanted.fifo, cpu: nil)) }
    if wanted.fifo, wanted.cpu != nil { tried.append(Placement(fifo: false, cpu: wanted.cpu)) }
    return tried
  }

  /// What the status says when the thread was created as `got` although `wanted` was asked,
  /// `error` being `pthread_create`'s answer to the first placement tried: each part that was
  /// dropped is named with that answer.
  public static func problems(wanted: Placement, got: Placement, error: Int32) -> (
    scheduling: String?, cpu: String?
  ) {
    let reason = String(cString: strerror(error))
    let scheduling = wanted.fifo && !got.fifo ? "pthread_create with SCHED_FIFO: \(reason)" : nil
    let cpu = wanted.cpu.flatMap { cpu in got.cpu == nil ? "pthread_create on CPU \(cpu): \(reason)" : nil }
    return (scheduling, cpu)
  }

  /// `cpu` if this process may run there; otherwise `nil`, and `status` says why.
  private func usableCPU(_ cpu: Int) -> Int? {
    let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_CONF)))
    guard cpu < cpus else {
      status.cpuProblem = "the board file asks for CPU \(cpu); this machine has CPUs 0...\(cpus - 1)"
      return nil
    }
    guard irectl_cpu_allowed(Int32(cpu)) != 0 else {
      status.cpuProblem =
        "the board file asks for CPU \(cpu), which this process may not use (its cpuset or affinity excludes it)"
      return nil
    }
    return cpu
  }

  /// `pthread_create` with the placement's attributes; 0 or the error it returned.
  private func create(_ placement: Placement, priority: Int, _ context: UnsafeMutableRawPointer) -> Int32 {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    if let cpu = placement.cpu {
      // pthread_attr_setaffinity_np
      let pinned = irectl_attr_pin_cpu(&attributes, Int32(cpu))
      if pinned != 0 { return pinned }
    }
    if placement.fifo {
      pthread_attr_setinheritsched(&attributes, Int32(PTHREAD_EXPLICIT_SCHED))
      pthread_attr_setschedpolicy(&attributes, SCHED_FIFO)
      var parameters = sched_param(sched_priority: Int32(priority))
      pthread_attr_setschedparam(&attributes, &parameters)
    }
    return pthread_create(&thread, &attributes, TimingThread.entry, context)
  }

  private func createPlainly(_ context: UnsafeMutableRawPointer) {
    let plain = pthread_create(&thread, nil, TimingThread.entry, context)
    precondition(plain == 0, "cannot create the timing thread: \(String(cString: strerror(plain)))")
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
