import Foundation
import Protocol

// The board-file decoder: each input is a board file's bytes, read as `irectl validate` reads
// them (UTF-8 or refused, at most `fileBytes`), decoded and validated. A `base:` is refused
// (no base directory), as for a board given as text. Any outcome but a crash or a sanitizer
// report is a pass.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBoard(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: bytes, count: count)
  guard data.count <= 1 << 20, let text = String(data: data, encoding: .utf8) else { return 0 }
  _ = try? BoardFile.decode(yaml: text, file: "fuzz.yaml", baseDirectory: nil)
  return 0
}
