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

  @Test func theThreadRunsOnTheCPUTheBoardNames() {
    let cpu = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1
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
}
