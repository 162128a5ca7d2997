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
    // A repeated event is counted in place; in lines, only new events are written.
    if model.events.count < eventsShown { eventsShown = 0 }
    for event in model.events.dropFirst(eventsShown) {
      let time = event.tMs.map { MonitorLayout.clock($0 / 1000) + " " } ?? ""
      output += "  \(time)\(event.text)\n"
    }
    eventsShown = model.events.count
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
    return output
  }
}
