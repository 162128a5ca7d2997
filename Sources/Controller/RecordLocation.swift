import Foundation

/// Where the treatment record lives when `--record` does not say: under the XDG data directory
/// for a user (`$XDG_DATA_HOME/irectl/records.sqlite`, by default
/// `~/.local/share/irectl/records.sqlite`), under `/var/lib/irectl/` for the system service
/// (systemd sets `INVOCATION_ID` for the processes of a unit).
public enum RecordLocation {
  public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String
  {
    if environment["INVOCATION_ID"] != nil, getuid() == 0 { return "/var/lib/irectl/records.sqlite" }
    if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/irectl/records.sqlite" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.local/share/irectl/records.sqlite"
  }
}
