import Units

/// The safety logic of SAFETY.md as a pure state machine: `handle(event)` maps the current state
/// and one event to the next state, and the outputs follow from the state alone. No I/O, no
/// clock (time comes in the snapshots), no allocation: every reachable (state, event) pair can
/// be enumerated in a test, and a run can be replayed from its record.
public struct SafetyMachine: Equatable, Sendable, Hashable {
  public private(set) var state: SafetyState {
    didSet { if state != oldValue { stateChanges &+= 1 } }
  }
  public let limits: SafetyLimits
  /// The latest snapshot of the inputs; `nil` until the first one.
  public private(set) var lastInputs: InterlockInputs?
  /// Since when the footswitch channels have disagreed, if they do.
  private var disagreeingSince: Instant?
  /// How many times the state has changed. A fire permission carries the count it was granted
  /// at: any change after it, even one that comes back to `ready`, voids it.
  public private(set) var stateChanges: UInt64 = 0

  /// Starts latched, as an e-stop latch does: nothing is enabled until the operator
  /// acknowledges with every cause gone.
  public init(limits: SafetyLimits) {
    self.state = .latched(Fault(.startup))
    self.limits = limits
  }

  /// A machine already in `state`, for exhaustive tests of every (state, event) pair.
  init(limits: SafetyLimits, state: SafetyState, lastInputs: InterlockInputs?) {
    self.state = state
    self.limits = limits
    self.lastInputs = lastInputs
  }

  public var outputs: SafetyOutputs { state.outputs }

  public mutating func handle(_ event: SafetyEvent) {
    if case .inputs(let inputs) = event { remember(inputs) }
    state = next(after: event)
  }

  private mutating func remember(_ inputs: InterlockInputs) {
    lastInputs = inputs
    if inputs.footswitchAgree {
      disagreeingSince = nil
    } else if disagreeingSince == nil {
      disagreeingSince = inputs.at
    }
  }

  private func next(after event: SafetyEvent) -> SafetyState {
    switch (state, event) {
    case (.finished, _):
      return .finished
    case (_, .abort):
      return .finished
    case (.latched(let fault), .acknowledge):
      return canAcknowledge ? .idle : .latched(fault)
    case (.delivering, .measured(let measurement)):
      guard let fault = SafetyMachine.judge(measurement, limits: limits) else { return .ready }
      return stopped(by: fault)
    case (_, .measured(let measurement)):
      // A measurement that arrives after delivery stopped for another reason (a pause, a
      // latched fault, the footswitch let go and pressed again) is judged all the same: what
      // it shows about the pulse that went out must not be lost.
      guard let fault = SafetyMachine.judge(measurement, limits: limits) else { return state }
      return stopped(by: fault)
    case (.latched, _):
      return state
    case (_, .inputs(let inputs)):
      return judge(inputs)
    case (_, .sensorFailed):
      return .latched(Fault(.sensor))
    case (_, .recordFailed):
      return .latched(Fault(.record))
    case (_, .timingOverrun(let late)):
      return .latched(Fault(.timing, measured: late.milliseconds, limit: 20))
    case (.idle, .beginSwitching), (.charging, .beginSwitching), (.ready, .beginSwitching):
      return .switching
    case (.switching, .relaysVerified(let good)):
      return good ? .idle : .latched(Fault(.relayReadback))
    case (.idle, .beginCharging):
      return chargingRefusal ?? .charging
    case (.charging, .bankVoltage(let measured, let setpoint)),
      (.ready, .bankVoltage(let measured, let setpoint)),
      (.delivering, .bankVoltage(let measured, let setpoint)):
      if measured > setpoint * (1 + limits.bankVoltageTolerance) {
        return .latched(Fault(.bankVoltage, measured: measured.value, limit: setpoint.value))
      }
      if case .charging = state, withinTolerance(measured, of: setpoint) { return .ready }
      return state
    case (.charging, .chargeTimedOut):
      return .latched(Fault(.charger))
    case (_, .bleedTimedOut(let measured)):
      return .latched(Fault(.bleed, measured: measured.value))
    case (.ready, .fired):
      return .delivering
    case (.charging, .triggerLost), (.ready, .triggerLost):
      return .paused(.ecgTrigger)
    case (.paused(let causes), .triggerLost):
      return .paused(causes.union(.ecgTrigger))
    case (.idle, .pause), (.switching, .pause), (.charging, .pause), (.ready, .pause), (.delivering, .pause):
      return .paused(.operatorPause)
    case (.paused(let causes), .pause):
      return .paused(causes.union(.operatorPause))
    case (.paused(let causes), .resume):
      // The operator's resume ends the causes that are the operator's to end; a footswitch
      // still released or a heat-sink still hot keeps delivery paused.
      let remaining = causes.subtracting(.endedByResume)
      return remaining.isEmpty ? .idle : .paused(remaining)
    case (.pairStopped, .resume):
      return .idle
    case (.idle, .complete), (.ready, .complete), (.charging, .complete):
      return .finished
    case (.idle, _), (.switching, _), (.charging, _), (.ready, _), (.delivering, _), (.paused, _),
      (.pairStopped, _):
      return state
    }
  }

  /// Where a fault found in a measurement leaves the machine: a stopped pair for a poor-contact
  /// fault (unless a latched fault already outranks it), latched for everything else.
  private func stopped(by fault: Fault) -> SafetyState {
    switch fault.interlock.reaction {
    case .stopPair:
      if case .latched = state { return state }
      return .pairStopped(fault)
    case .latch, .pause, .abort:
      return .latched(fault)
    }
  }

  /// Applies a snapshot: latching input faults first, then the pauses the inputs cause, then
  /// the end of those pauses whose cause went away by itself (the footswitch pressed again, the
  /// heat-sink cooled below its resume threshold).
  private func judge(_ inputs: InterlockInputs) -> SafetyState {
    if let fault = inputFault(inputs) { return .latched(fault) }
    switch state {
    case .charging, .ready, .delivering:
      if !inputs.lidClosed { return .latched(Fault(.lid)) }
      let causes = pauses(inputs)
      return causes.isEmpty ? state : .paused(causes)
    case .paused(let causes):
      var updated = causes.subtracting(.endedByInputs)
      updated.formUnion(pauses(inputs, cooling: causes.contains(.overTemperature)))
      return updated.isEmpty ? .idle : .paused(updated)
    case .latched, .idle, .switching, .pairStopped, .finished:
      return state
    }
  }

  /// The pauses a snapshot calls for. A heat-sink already `cooling` from a temperature pause
  /// keeps it until it is below the resume threshold.
  private func pauses(_ inputs: InterlockInputs, cooling: Bool = false) -> PauseCauses {
    var causes = PauseCauses()
    if !inputs.footswitchPressed { causes.insert(.footswitchReleased) }
    let threshold = cooling ? limits.temperatureResume : limits.temperaturePause
    if inputs.heatSink >= threshold { causes.insert(.overTemperature) }
    return causes
  }

  /// Faults an input snapshot shows whatever the state.
  private func inputFault(_ inputs: InterlockInputs) -> Fault? {
    if !inputs.estopOK { return Fault(.estop) }
    if inputs.hardwareFault { return Fault(.hardwareFault) }
    if let since = disagreeingSince, inputs.at - since > limits.footswitchDisagree {
      return Fault(
        .footswitchDisagree, measured: (inputs.at - since).milliseconds,
        limit: limits.footswitchDisagree.milliseconds)
    }
    if inputs.heatSink >= limits.temperatureFault {
      return Fault(.overTemperature, measured: inputs.heatSink.value, limit: limits.temperatureFault.value)
    }
    return nil
  }

  private var chargingRefusal: SafetyState? {
    guard let inputs = lastInputs else { return .latched(Fault(.sensor)) }
    if !inputs.lidClosed { return .latched(Fault(.lid)) }
    let causes = pauses(inputs)
    return causes.isEmpty ? nil : .paused(causes)
  }

  /// A latched fault clears only with a snapshot in which no input shows a cause.
  private var canAcknowledge: Bool {
    guard let inputs = lastInputs else { return false }
    return causesPresent(in: inputs).isEmpty
  }

  private func withinTolerance(_ measured: Volts, of setpoint: Volts) -> Bool {
    (measured - setpoint).magnitude <= setpoint * limits.bankVoltageTolerance
  }
}

extension SafetyMachine {
  /// The readiness list: every check that stops the controller from arming now, at once — the
  /// input-borne causes of the last snapshot, a pause's cause, and a latched fault. Bits, so
  /// that it can be recomputed at every snapshot for nothing.
  public var failingChecks: InterlockSet {
    var failing = InterlockSet()
    if let inputs = lastInputs {
      if !inputs.estopOK { failing.insert(InterlockSet(.estop)) }
      if !inputs.footswitchPressed { failing.insert(InterlockSet(.footswitchReleased)) }
      if !inputs.footswitchAgree { failing.insert(InterlockSet(.footswitchDisagree)) }
      if !inputs.lidClosed { failing.insert(InterlockSet(.lid)) }
      if inputs.hardwareFault { failing.insert(InterlockSet(.hardwareFault)) }
      if inputs.heatSink >= limits.temperaturePause { failing.insert(InterlockSet(.overTemperature)) }
    } else {
      failing.insert(InterlockSet(.sensor))
    }
    switch state {
    case .latched(let fault), .pairStopped(let fault): failing.insert(InterlockSet(fault.interlock))
    case .paused(let causes): for cause in causes.interlocks { failing.insert(InterlockSet(cause)) }
    case .idle, .switching, .charging, .ready, .delivering, .finished: break
    }
    return failing
  }

  /// Every input-borne cause that would stop the controller from arming now, in a fixed order:
  /// the readiness list the operator sees.
  public func causesPresent(in inputs: InterlockInputs) -> [Interlock] {
    var causes: [Interlock] = []
    if !inputs.estopOK { causes.append(.estop) }
    if !inputs.footswitchAgree { causes.append(.footswitchDisagree) }
    if !inputs.lidClosed { causes.append(.lid) }
    if inputs.hardwareFault { causes.append(.hardwareFault) }
    if inputs.heatSink >= limits.temperatureFault { causes.append(.overTemperature) }
    return causes
  }

  /// Judges one pulse's measurement; `nil` when it is within every limit. Order matters: the
  /// most fundamental failure is reported (the hardware's own fault before anything measured).
  public static func judge(_ m: PulseMeasurement, limits: SafetyLimits) -> Fault? {
    if m.hardwareFault { return Fault(.hardwareFault) }
    if m.counted != m.expected {
      return Fault(.pulseCounter, measured: Double(m.counted), limit: Double(m.expected))
    }
    if m.peakCurrent > limits.maxCurrent {
      return Fault(.overCurrent, measured: m.peakCurrent.value, limit: limits.maxCurrent.value)
    }
    // A jump up is the arc signature; a fall is a contact problem, judged as low current.
    if let previous = m.previousCurrent, m.peakCurrent - previous > limits.maxCurrentJump {
      return Fault(
        .currentJump, measured: (m.peakCurrent - previous).value, limit: limits.maxCurrentJump.value)
    }
    let collapse = m.setpoint * limits.voltageCollapseFraction
    if m.peakVoltage < collapse {
      return Fault(.voltageCollapse, measured: m.peakVoltage.value, limit: collapse.value)
    }
    if m.kind == .test, let range = limits.testCurrent, !range.contains(m.peakCurrent) {
      return Fault(
        .testPulseCurrent, measured: m.peakCurrent.value,
        limit: m.peakCurrent < range.lowerBound ? range.lowerBound.value : range.upperBound.value)
    }
    if m.peakCurrent < limits.minCurrent {
      return Fault(.lowCurrent, measured: m.peakCurrent.value, limit: limits.minCurrent.value)
    }
    return nil
  }

  /// The one place that decides whether the next pulse may fire (SAFETY.md principle 2). It
  /// applies the fresh snapshot first, so a fault in it latches before anything else is judged.
  public mutating func permission(_ check: FireCheck) -> FireDecision {
    handle(.inputs(check.inputs))
    if let fault = state.fault { return .fault(fault) }
    guard state == .ready else { return .skip(.notReady) }
    guard check.relaysVerified else {
      state = .latched(Fault(.relayReadback))
      return .fault(Fault(.relayReadback))
    }
    guard check.pulsesSinceLastLook == 0 else {
      let fault = Fault(.pulseCounter, measured: Double(check.pulsesSinceLastLook), limit: 0)
      state = .latched(fault)
      return .fault(fault)
    }
    if check.inputs.at > check.notAfter { return .skip(.late) }
    if let since = check.sinceLastFire, since < limits.minFireInterval {
      let fault = Fault(.pulseRate, measured: since.milliseconds, limit: limits.minFireInterval.milliseconds)
      state = .latched(fault)
      return .fault(fault)
    }
    if check.bankVoltage > check.setpoint * (1 + limits.bankVoltageTolerance) {
      let fault = Fault(.bankVoltage, measured: check.bankVoltage.value, limit: check.setpoint.value)
      state = .latched(fault)
      return .fault(fault)
    }
    if !withinTolerance(check.bankVoltage, of: check.setpoint) {
      guard check.heldBeats < limits.bankHoldBeats else {
        let fault = Fault(.bankVoltage, measured: check.bankVoltage.value, limit: check.setpoint.value)
        state = .latched(fault)
        return .fault(fault)
      }
      return .skip(.bankVoltage)
    }
    return .fire(FirePermission(notAfter: check.notAfter, stateChanges: stateChanges))
  }

  /// Whether `permission` still stands: the machine is `ready` and its state has not changed
  /// since the permission was granted. Any change in between (a pause, an abort, a latched
  /// fault, even one that came back to `ready`) voids it; the one path to `pulse_fire` asks
  /// this right before the edge.
  public func stillPermits(_ permission: borrowing FirePermission) -> Bool {
    state == .ready && stateChanges == permission.stateChanges
  }
}
