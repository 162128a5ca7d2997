import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The terminal the console draws on: its size, raw keys, the alternate screen, and the way
/// back to how it was found, whatever ends the console.
final class Terminal {
  /// Whether the terminal can position the cursor (not `TERM=dumb`, and standard output is a
  /// terminal); otherwise the console writes plain lines.
  let addressable: Bool
  /// Colours allowed: not `NO_COLOR` (https://no-color.org), not `TERM=dumb`.
  let colour: Bool
  private var saved: termios?

  init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    let term = environment["TERM"] ?? ""
    addressable = isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
    colour = addressable && (environment["NO_COLOR"] ?? "").isEmpty
  }

  /// Rows and columns (`ioctl TIOCGWINSZ`), 24×80 when the terminal does not say.
  var size: (rows: Int, columns: Int) {
    var window = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 else {
      return (24, 80)
    }
    return (Int(window.ws_row), Int(window.ws_col))
  }

  /// Keys one at a time, without echo; Ctrl-C still interrupts (ISIG is kept).
  func enterRawMode() {
    guard isatty(STDIN_FILENO) == 1 else { return }
    var attributes = termios()
    guard tcgetattr(STDIN_FILENO, &attributes) == 0 else { return }
    saved = attributes
    attributes.c_lflag &= ~tcflag_t(ICANON | ECHO)
    attributes.c_iflag &= ~tcflag_t(IXON)  // Ctrl-S would stop the console's output
    withUnsafeMutableBytes(of: &attributes.c_cc) { cc in
      cc[Int(VMIN)] = 0
      cc[Int(VTIME)] = 0
    }
    tcsetattr(STDIN_FILENO, TCSANOW, &attributes)
  }

  func restore() {
    if var saved { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    saved = nil
  }

  /// Writes all of `text` to standard output.
  func write(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
      if written > 0 {
        offset += written
      } else if written < 0 && errno != EINTR && errno != EAGAIN {
        return
      }
    }
  }
}
