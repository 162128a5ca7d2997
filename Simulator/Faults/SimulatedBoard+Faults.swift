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
  /// Arms `spec`: it takes effect at its moment; with a duration it is undone after that long.
  public func inject(_ spec: FaultSpec) {
    schedule(spec.when) { [unowned self] in activate(spec) }
  }

  /// Runs `action` at `moment`: at its time, right after the pulse before its pulse, or right
  /// before the controller's call of its step. The fault injector and the scripted operator's
  /// told moments both come through here.
  /// Drops every fault and act still waiting for its moment, once the session is over: they
  /// capture the board, and would keep it (and its world) alive for the life of the process.
  public func dropPendingActions() {
    clock.dropScheduled()
    clock.steps.dropScheduled()
    actionsAwaitingPulse.removeAll()
  }

  public func schedule(_ moment: FaultSpec.When, _ action: @escaping () -> Void) {
    switch moment {
    case .time(let instant):
      clock.schedule(at: instant, action)
    case .pulse(let n) where n <= pulsesDelivered:
      clock.schedule(at: clock.now, action)
    case .pulse(let n):
      actionsAwaitingPulse.append((n, action))
    case .step(let k):
      clock.steps.schedule(atStep: k, action)
    case .afterStep(let k, let span):
      clock.steps.schedule(atStep: k) { [unowned self] in clock.schedule(at: clock.now + span, action) }
    }
  }

  /// Called after each train: what was armed for a pulse now reached happens.
  func runPulseActions() {
    let due = actionsAwaitingPulse.filter { $0.pulse <= pulsesDelivered }
    guard !due.isEmpty else { return }
    actionsAwaitingPulse.removeAll { $0.pulse <= pulsesDelivered }
    for entry in due { entry.action() }
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
    case .busStuck:
      if let address = spec.address {
        if on { bus.stuckAddresses.insert(address) } else { bus.stuckAddresses.remove(address) }
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
