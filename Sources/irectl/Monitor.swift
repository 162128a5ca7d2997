import ArgumentParser
import Console
import Foundation
import Telemetry

/// `irectl monitor`: the console a technician watches during a treatment.
struct Monitor: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Watch a treatment: the full-screen console (pause, abort; nothing else).",
    discussion: """
      Connects to the controller's telemetry socket and waits (and reconnects) while there is
      none. Keys: p pause, a abort (then y to confirm), q quit the console (the treatment goes
      on). With TERM=dumb or output that is not a terminal it writes plain lines; NO_COLOR
      turns colours off.
      """)

  @Option(help: "The telemetry socket. Default: \(TelemetryLocation.defaultPath()).")
  var socket: String = TelemetryLocation.defaultPath()

  @Flag(
    name: .customLong("every-frame"),
    help: ArgumentHelp(
      "Compose ten frames a second even when nothing changes (to measure the cost).", visibility: .hidden))
  var everyFrame = false

  func run() throws {
    let status = MonitorApp(socketPath: socket, everyFrame: everyFrame).run()
    if status != 0 { throw ExitCode(status) }
  }
}
