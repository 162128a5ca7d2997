import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where the telemetry socket is when nobody says: under the user's runtime directory
/// (`$XDG_RUNTIME_DIR/irectl/`) for a user, `/run/irectl/` for the service (root, or no
/// runtime directory).
public enum TelemetryLocation {
  public static let fileName = "telemetry.sock"
  /// The service's socket.
  public static let servicePath = "/run/irectl/\(fileName)"

  public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String
  {
    if getuid() != 0, let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
      return "\(runtime)/irectl/\(fileName)"
    }
    return "/run/irectl/\(fileName)"
  }
}
