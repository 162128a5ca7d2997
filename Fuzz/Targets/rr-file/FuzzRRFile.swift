import FuzzControllerParsers
import Units

// The `--rr-file` parser: each input is an RR file's text. What it accepts must be intervals
// within the allowed range; any other outcome but a crash or a sanitizer report is a pass.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRRFile(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  guard let intervals = try? RRSeries.parse(text, file: "fuzz.rr") else { return 0 }
  guard !intervals.isEmpty, intervals.allSatisfy({ (200...3000).contains($0.value) }) else {
    fatalError("RRSeries accepted intervals outside 200...3000 ms: \(intervals)")
  }
  return 0
}
