import HAL
import Protocol
import Units

/// The board-side state of the injected faults that change how a pulse comes out.
struct InjectedFaults {
  var missingFires = false
  var openCircuit = false
  var arcing = false
  var current: Amperes?
}

extension SimulatedBoard {
  /// Arms `spec`: it takes effect at its time, or right after the pulse before its pulse; with
  /// a duration it is undone after that long.
  public func inject(_ spec: FaultSpec) {
    switch spec.when {
    case .time(let instant):
      clock.schedule(at: instant) { [unowned self] in activate(spec) }
    case .pulse(let n) where n <= pulsesDelivered:
      clock.schedule(at: clock.now) { [unowned self] in activate(spec) }
    case .pulse(let n):
      faultsAwaitingPulse.append((n, spec))
    }
  }

  /// Called after each train: faults armed for a pulse now reached take effect.
  func activatePulseFaults() {
    let due = faultsAwaitingPulse.filter { $0.pulse <= pulsesDelivered }
    guard !due.isEmpty else { return }
    faultsAwaitingPulse.removeAll { $0.pulse <= pulsesDelivered }
    for entry in due { activate(entry.spec) }
  }

  private func activate(_ spec: FaultSpec) {
    let now = clock.now
    activatedFaults.append((spec, now))
    apply(spec, on: true)
    if let duration = spec.duration, spec.kind != .stall, spec.kind != .asystole {
      clock.schedule(at: now + duration) { [unowned self] in apply(spec, on: false) }
    }
  }

  /// Undoes every injected fault still in force: what the operator does when clearing the cause
  /// before acknowledging (`--resume-after-fault`). Stuck relays are freed, frozen chips thawed.
  /// Faults armed for later stay armed: the operator clears what is wrong now.
  public func clearInjectedFaults() {
    for (spec, _) in activatedFaults { apply(spec, on: false) }
  }

  private func apply(_ spec: FaultSpec, on: Bool) {
    let now = worldNow
    switch spec.kind {
    case .estop: estopPressed = on
    case .footswitchRelease:
      footswitchA = !on
      footswitchB = !on
    case .footswitchDisagree: footswitchB = !on
    case .lidOpen: lidClosed = !on
    case .arc: faults.arcing = on
    case .overcurrent: faults.current = on ? description.limits.maxCurrent * 1.04 : nil
    case .openCircuit: faults.openCircuit = on
    case .relayStuck:
      if on { relaysMinus.weldOneClosed(at: now) } else { relaysMinus.unstick(at: now) }
    case .extraPulse:
      if on {
        supervisor.count &+= 1
        spontaneousPulses += 1
      }
    case .missedPulse: faults.missingFires = on
    case .hvSag: charger.sag(to: on ? 0.85 : 1, at: now)
    case .overtemp: heatSink.forced = Celsius(on ? 60 : 0)
    case .hwFault: if on { supervisor.latch(.overCurrentLatched) }
    case .i2cNak:
      if let address = spec.address {
        if on { bus.nakAddresses.insert(address) } else { bus.nakAddresses.remove(address) }
      }
    case .sensorStuck:
      if let address = spec.address {
        if on { bus.freeze(address: address) } else { bus.thaw(address: address) }
      }
    case .triggerDouble: heart.doubleTriggerEveryBeat(on)
    case .asystole:
      if on, let duration = spec.duration {
        heart.stop(during: HeartAnomalies.Window(start: now, duration: duration))
      }
    case .ectopic: if on { heart.ectopicBeatNext() }
    case .stall: if on, let duration = spec.duration { clock.stall(for: duration) }
    }
  }
}
