import Telemetry

// The console socket's messages: each input is a stream of lines as a peer may send them; each
// line is read both as a telemetry message (what the console reads) and as a console command
// (what the controller reads). A message that parses must come back from its own line, and a
// command's reason must be clean text of at most 200 characters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelemetry(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    if let message = TelemetryMessage.parse(line) {
      let again = message.line()
      guard TelemetryMessage.parse(again.dropLast()) == message else {
        fatalError("a telemetry message does not read back from its own line: \(again)")
      }
    }
    switch ConsoleCommand.parse(line) {
    case .success(.abort(let reason)):
      guard reason.count <= 200, clean(reason, 200) == reason else {
        fatalError("an abort's reason is not clean text of at most 200 characters: \(reason)")
      }
    case .success(.pause), .failure:
      break
    }
  }
  return 0
}
