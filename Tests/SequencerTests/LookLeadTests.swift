import Sequencer
import Testing
import Units

/// The last look's lead: what the look costs, measured and tracked, so that the spin ends early
/// enough for the edge to leave on time and late enough for the look to stay fresh.
@Suite("Look lead")
struct LookLeadTests {
  @Test func nothingMeasuredLeavesNoLead() {
    #expect(LookLead().lead == .zero)
  }

  @Test func aSteadyCostIsTheLead() {
    var lead = LookLead()
    for _ in 0..<40 { lead.observe(.microseconds(3)) }
    #expect(lead.lead == .microseconds(3))
  }

  @Test func aScatteredCostLeadsByMoreThanItsMean() {
    var lead = LookLead()
    for index in 0..<200 { lead.observe(Nanoseconds(index % 2 == 0 ? 2_000 : 4_000)) }
    #expect(lead.lead > .microseconds(4), "most looks must come back before the instant")
    #expect(lead.lead < .microseconds(12))
  }

  @Test func oneStalledLookNeverMakesTheLookStale() {
    var lead = LookLead()
    for _ in 0..<40 { lead.observe(.microseconds(3)) }
    lead.observe(.milliseconds(5))
    #expect(lead.lead == LookLead.ceiling)
    for _ in 0..<200 { lead.observe(.microseconds(3)) }
    #expect(lead.lead < .microseconds(4), "the stall is forgotten")
  }

  @Test func aNegativeCostCountsAsNone() {
    var lead = LookLead()
    lead.observe(Nanoseconds(-500))
    #expect(lead.lead == .zero)
  }
}
