import Protocol
import Testing

/// Every file shipped in firmware-config/ must stay valid (PROTOCOL-FORMAT.md: CI validates them).
struct ShippedFilesTests {
  @Test func everyShippedBoardDecodes() throws {
    let files = Fixtures.shippedFiles(in: Fixtures.boardsDirectory)
    #expect(files.count == 2)
    for file in files {
      #expect(Fixtures.errorLines { _ = try BoardFile.load(path: file) } == ["no error"], "\(file)")
      #expect(try ConfigurationFileKind.detect(path: file) == .board)
    }
  }

  @Test func everyShippedProtocolDecodesOnBothReferenceBoards() throws {
    let boards = try Fixtures.shippedFiles(in: Fixtures.boardsDirectory).map(BoardFile.load)
    let library = try TissueLibraryFile.load(path: Fixtures.packageRoot + "/firmware-config/tissues.yaml")
    let files = Fixtures.shippedFiles(in: Fixtures.protocolsDirectory)
    #expect(files.count == 5)
    for file in files {
      #expect(try ConfigurationFileKind.detect(path: file) == .treatmentProtocol)
      for board in boards {
        let lines = Fixtures.errorLines {
          _ = try ProtocolFile.load(path: file, board: board, tissues: library)
        }
        #expect(lines == ["no error"], "\(file) on \(board.name)")
      }
    }
  }
}
