import FuzzControllerParsers

// The `--operator` parser: each input is an act's text. An act that parses must read back from
// its own description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOperator(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  guard let act = try? OperatorAct(parsing: text) else { return 0 }
  guard let again = try? OperatorAct(parsing: act.description), again == act else {
    fatalError("an operator act does not read back from its description: \(text) -> \(act.description)")
  }
  return 0
}
