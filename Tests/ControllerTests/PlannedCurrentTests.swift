import Controller
import Protocol
import Testing

/// The console shows each pair's planned current beside its measured one: the planner's
/// prediction for the protocol's tissue, sent with the `hello`.
struct PlannedCurrentTests {
  @Test func eachPairsPlannedCurrentIsThePlannersPrediction() throws {
    let board = try BoardFile.load(path: Paths.simBoard)
    let plan = try ProtocolFile.load(path: Paths.protocolFile("liver-4probe-box"), board: board)
    let currents = try #require(
      ProtocolPlanning.plannedCurrents(plan, libraryPath: Paths.config("tissues.yaml")))
    #expect(currents.count == 6)
    // docs/planning.md: 12–14 A for the liver box (its sides at 2250 V, its diagonals at 2800 V).
    for current in currents.prefix(4) { #expect(current.value > 11 && current.value < 13, "\(current)") }
    for current in currents.suffix(2) { #expect(current.value > 13 && current.value < 15, "\(current)") }
    #expect(ProtocolPlanning.plannedCurrents(plan, libraryPath: Paths.temporary("no-library.yaml")) == nil)
  }
}
