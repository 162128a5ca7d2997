import FuzzControllerParsers
import Simulator

// The `--heart-anomalies` parser: each input is the option's text. What it accepts must lie
// within the documented ranges (chances in 0...1, drift in -30...30).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeartAnomalies(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  guard let anomalies = try? HeartAnomalies(parsing: text) else { return 0 }
  guard (0...1).contains(anomalies.ectopicProbability), (0...1).contains(anomalies.tWaveProbability),
    (-30...30).contains(anomalies.driftBPMPerMinute)
  else {
    fatalError("--heart-anomalies accepted values outside their ranges: \(text)")
  }
  return 0
}
