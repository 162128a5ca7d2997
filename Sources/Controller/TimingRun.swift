import Foundation
import HAL
import Protocol
import Sequencer
import Units

/// A treatment running on the timing thread, and this thread draining its events.
final class TimingRun: @unchecked Sendable {
  private let thread: TimingThread
  private var result: Result<TreatmentOutcome, any Error> = .failure(CancellationError())

  init(sequencer: TreatmentSequencer, realtime: TimingSettings?) {
    thread = TimingThread(realtime: realtime)
    // On real time, what the last look costs on this board is measured before the first pulse.
    if realtime != nil { sequencer.lookCalibrationSamples = 32 }
    thread.start { [self] in result = Result { try sequencer.run() } }
  }

  var status: RealtimeStatus { thread.status }

  /// Feeds every event to `observer` as it arrives, until the treatment has ended and its last
  /// event is delivered; then returns how it ended (or rethrows what ended it).
  /// Events from other threads (`side`, a console's commands) are passed on with them. With
  /// nothing to drain it naps `idle` microseconds: on virtual time the timing thread may be
  /// waiting for an intent to be made durable, and every nap is time it waits.
  func finish(
    draining ring: SPSCRing<TreatmentEvent>, into observer: any TreatmentObserver, side: SideEvents? = nil,
    heartbeat: (() -> Void)? = nil, idle: UInt32 = 500
  ) throws -> TreatmentOutcome {
    var lastBeat = PosixTime.monotonicNow()
    while true {
      if let heartbeat, PosixTime.monotonicNow() - lastBeat >= .seconds(1) {
        lastBeat = PosixTime.monotonicNow()
        heartbeat()
      }
      let finished = thread.finished
      var drained = false
      while let event = ring.pop() {
        observer.treatment(event)
        drained = true
      }
      for event in side?.take() ?? [] {
        observer.treatment(event)
        drained = true
      }
      if finished { break }
      if !drained { usleep(idle) }
    }
    thread.join()
    // A console's command that came while the last events were drained is recorded too.
    for event in side?.takeAll() ?? [] { observer.treatment(event) }
    return try result.get()
  }
}
