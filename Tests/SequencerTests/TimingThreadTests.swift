import CRealtime
import Protocol
import Sequencer
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The timing thread on the CPU the board file names (`timing.cpu`), or the reason it is not.
@Suite("Timing thread placement")
struct TimingThreadTests {
  func settings(cpu: Int?) -> TimingSettings {
    TimingSettings(priority: 80, lockMemory: false, requireRealtime: false, cpu: cpu)
  }

  /// The highest CPU this process may use (a CI machine's cpuset may leave out some).
  static var lastAllowedCPU: Int {
    let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_CONF)))
    return (0..<cpus).last { irectl_cpu_allowed(Int32($0)) == 1 } ?? 0
  }

  @Test func theThreadRunsOnTheCPUTheBoardNames() {
    let cpu = Self.lastAllowedCPU
    let thread = TimingThread(realtime: settings(cpu: cpu))
    var ranOn: Int32 = -1
    thread.start { ranOn = irectl_current_cpu() }
    thread.join()
    #expect(thread.status.cpuProblem == nil)
    #expect(thread.status.cpu == cpu)
    #expect(ranOn == Int32(cpu))
    #expect(thread.status.description.contains("on CPU \(cpu)"))
  }

  @Test func aCPUThisMachineLacksIsNamedAndNotInForce() {
    let thread = TimingThread(realtime: settings(cpu: 1023))
    thread.start {}
    thread.join()
    #expect(thread.status.cpu == nil)
    #expect(thread.status.cpuProblem?.contains("CPU 1023") == true)
    #expect(!thread.status.inForce)
  }

  /// A cpuset that leaves out the board's CPU refuses the thread's creation, not the
  /// attribute: the thread is created again elsewhere, keeping SCHED_FIFO, and the status names
  /// the CPU and the error; it never claims the CPU it did not get.
  @Test func aCPURefusedAtCreationIsNamedAndTheThreadKeepsItsScheduling() {
    let wanted = TimingThread.Placement(fifo: true, cpu: 3)
    let tried = TimingThread.placements(wanted)
    #expect(
      tried == [
        wanted, TimingThread.Placement(fifo: true, cpu: nil), TimingThread.Placement(fifo: false, cpu: 3),
      ])
    let problems = TimingThread.problems(wanted: wanted, got: tried[1], error: EINVAL)
    #expect(problems.scheduling == nil)
    #expect(problems.cpu == "pthread_create on CPU 3: Invalid argument")
  }

  /// Without the privilege for SCHED_FIFO, the thread still gets its CPU, and the status says
  /// what it lacks.
  @Test func withoutTheRightToRealTimeTheThreadStillGetsItsCPU() {
    let wanted = TimingThread.Placement(fifo: true, cpu: 1)
    let problems = TimingThread.problems(
      wanted: wanted, got: TimingThread.Placement(fifo: false, cpu: 1), error: EPERM)
    #expect(problems.scheduling == "pthread_create with SCHED_FIFO: Operation not permitted")
    #expect(problems.cpu == nil)
    #expect(TimingThread.placements(TimingThread.Placement(fifo: true, cpu: nil)).count == 1)
  }
}
