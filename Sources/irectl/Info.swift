import ArgumentParser
import Controller
import Foundation

/// `irectl info`: what a service engineer asks for first, as text or one JSON object.
struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Show the software, kernel, real-time limits, GPIO chips, I2C buses, board, record and last selftest.",
    discussion: """
      Reads files, the GPIO chips' line info and the record; drives nothing and requests no line.
      The last selftest is the later of the board's (beside its shared record) and this user's.
      """)

  @Option(help: "The board file.")
  var board: String = InstalledPaths.current.boardFile

  @Option(
    help: ArgumentHelp(
      "The treatment record.",
      discussion: "Default: irectl treat's (the board's shared record where it exists)."))
  var record: String = InstalledPaths.current.treatmentRecord()

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  func run() throws {
    let info = SystemInfo.gather(paths: InstalledPaths.current, boardPath: board, recordPath: record)
    if json {
      let data = try JSONSerialization.data(
        withJSONObject: info.json, options: [.sortedKeys, .prettyPrinted])
      print(String(decoding: data, as: UTF8.self))
    } else {
      print(info.text)
    }
  }
}
