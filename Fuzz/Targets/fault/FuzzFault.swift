import Simulator

// The `--fault` parser: each input is a fault's text. A fault that parses must read back from
// its own description (what `simulate` prints and the record keeps).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFault(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  guard let fault = try? FaultSpec(parsing: text) else { return 0 }
  guard let again = try? FaultSpec(parsing: fault.description), again == fault else {
    fatalError("a fault does not read back from its description: \(text) -> \(fault.description)")
  }
  return 0
}
