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

  @Option(
    help:
      "The telemetry socket. Default: \(TelemetryLocation.defaultPath()), then /run/irectl/\(TelemetryLocation.fileName)."
  )
  var socket: String?

  @Flag(
    name: .customLong("every-frame"),
    help: ArgumentHelp(
      "Compose ten frames a second even when nothing changes (to measure the cost).", visibility: .hidden))
  var everyFrame = false

  func run() throws {
    // Without --socket: this user's controller first, then the service's.
    let user = TelemetryLocation.defaultPath()
    let paths =
      socket.map { [$0] }
      ?? (user == TelemetryLocation.servicePath ? [user] : [user, TelemetryLocation.servicePath])
    let status = MonitorApp(socketPaths: paths, everyFrame: everyFrame).run()
    if status != 0 { throw ExitCode(status) }
  }
}
