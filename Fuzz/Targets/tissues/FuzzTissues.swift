import Foundation
import Protocol

// The tissue library: each input is a tissue library file's bytes, read as `irectl validate`
// reads them (UTF-8 or refused, at most `fileBytes`), decoded and validated. Any outcome but a
// crash or a sanitizer report is a pass.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTissues(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: bytes, count: count)
  guard data.count <= 1 << 20, let text = String(data: data, encoding: .utf8) else { return 0 }
  _ = try? TissueLibraryFile.decode(yaml: text, file: "fuzz.yaml")
  return 0
}
