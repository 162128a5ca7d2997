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

  @Test func aScatteredCostLeadsByItsPeakNotItsMean() {
    var lead = LookLead()
    for index in 0..<200 { lead.observe(Nanoseconds(index % 2 == 0 ? 2_000 : 4_000)) }
    #expect(lead.lead >= Nanoseconds(3_950), "the looks must come back by the instant")
    #expect(lead.lead <= .microseconds(4))
  }

  @Test func aRareLongLookRaisesTheLeadForTheLooksAfterIt() {
    var lead = LookLead()
    for _ in 0..<100 { lead.observe(.microseconds(3)) }
    lead.observe(.microseconds(12))
    for _ in 0..<20 { lead.observe(.microseconds(3)) }
    #expect(lead.lead > .microseconds(8), "one like it soon after still comes back in time")
  }

  @Test func oneStalledLookNeverMakesTheLookStale() {
    var lead = LookLead()
    for _ in 0..<40 { lead.observe(.microseconds(3)) }
    lead.observe(.milliseconds(5))
    #expect(lead.lead == LookLead.ceiling)
    for _ in 0..<400 { lead.observe(.microseconds(3)) }
    #expect(lead.lead < .microseconds(4), "the stall is forgotten")
  }

  @Test func aNegativeCostCountsAsNone() {
    var lead = LookLead()
    lead.observe(Nanoseconds(-500))
    #expect(lead.lead == .zero)
  }
}
