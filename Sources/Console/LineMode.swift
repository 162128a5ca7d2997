/// The console on a terminal that cannot position the cursor (`TERM=dumb`, a pipe): a status
/// line whenever it changes (at most once a second, unless the state changes) and each new
/// event on its own line. Nothing but text.
struct LineMode {
  private var lastStatus = ""
  private var lastWritten = 0.0
  private var eventsShown = 0
  private var lastState = ""

  mutating func update(model: MonitorModel, notice: String?, prompt: String?) -> String {
    var output = ""
    // Each event once, by its serial number (a repeated one is counted in place, not written
    // again); a new session starts the count again.
    if model.eventSerial < eventsShown { eventsShown = 0 }
    for event in model.events where event.serial > eventsShown {
      let time = event.tMs.map { MonitorLayout.clock($0 / 1000) + " " } ?? ""
      output += "  \(time)\(event.text)\n"
    }
    eventsShown = model.eventSerial
    let banner =
      model.hello == nil ? "NO CONTROLLER" : model.hello?.backend == "linux" ? "HARDWARE" : "SIMULATOR"
    var status =
      notice
      ?? "\(banner)  state \(model.state)  phase \(model.phase)  pulses \(model.delivered) / \(model.totalPulses)  skipped \(model.skipped)"
    if let prompt { status += "  \(prompt)" }
    let now = MonitorApp.seconds()
    if status != lastStatus && (now - lastWritten >= 1 || model.state != lastState || prompt != nil) {
      output += status + "\n"
      lastStatus = status
      lastWritten = now
      lastState = model.state
    }
    return String(output.map { $0 == "\n" ? $0 : Screen.printable($0) })
  }
}
