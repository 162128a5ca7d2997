import Foundation
import Protocol

// The protocol decoder and validator: each input is a protocol file's bytes, read as
// `irectl validate` reads them (UTF-8 or refused, at most `fileBytes`), decoded and validated
// against the simulated reference board and the shipped tissue library. Any outcome but a crash
// or a sanitizer report is a pass: a refusal is what broken input should get.

/// The board and library the protocols are checked against, read once (scripts/fuzz runs the
/// target from the repository's root).
nonisolated(unsafe) private var context: (board: BoardDescription, tissues: TissueLibrary)?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocol(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let (board, tissues) = fuzzContext()
  let data = Data(bytes: bytes, count: count)
  guard data.count <= 1 << 20, let text = String(data: data, encoding: .utf8) else { return 0 }
  _ = try? ProtocolFile.decode(yaml: text, file: "fuzz.yaml", board: board, tissues: tissues)
  _ = try? ProtocolFile.decode(yaml: text, file: "fuzz.yaml", board: board)
  return 0
}

private func fuzzContext() -> (board: BoardDescription, tissues: TissueLibrary) {
  if let context { return context }
  do {
    let loaded = (
      board: try BoardFile.load(path: "firmware-config/boards/reference-sim.yaml"),
      tissues: try TissueLibraryFile.load(path: "firmware-config/tissues.yaml")
    )
    context = loaded
    return loaded
  } catch {
    fatalError("fuzz-protocol: run from the repository's root: \(error)")
  }
}
