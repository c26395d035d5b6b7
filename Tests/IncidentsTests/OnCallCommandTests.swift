import Incidents
import RunbookModel
import Testing

struct OnCallCommandTests {
    @Test func commandsAreReadFromTheirText() {
        #expect(OnCallCommand(text: "") == .all)
        #expect(OnCallCommand(text: "   ") == .all)
        #expect(OnCallCommand(text: "invoice-oncall") == .show("invoice-oncall"))
        #expect(OnCallCommand(text: "schedule invoice-oncall") == .schedule(rotation: "invoice-oncall", days: 7))
        #expect(OnCallCommand(text: "schedule invoice-oncall 14") == .schedule(rotation: "invoice-oncall", days: 14))
        #expect(OnCallCommand(text: "override invoice-oncall <@U0ALICE|alice> 8h covering") ==
            .override(rotation: "invoice-oncall", who: "<@U0ALICE|alice>", end: .lasting(seconds: 28_800), reason: "covering"))
        #expect(OnCallCommand(text: "override invoice-oncall alice 1w") ==
            .override(rotation: "invoice-oncall", who: "alice", end: .lasting(seconds: 604_800), reason: nil))
        #expect(OnCallCommand(text: "override invoice-oncall alice until 18:30 school run") ==
            .override(rotation: "invoice-oncall", who: "alice", end: .untilTimeOfDay(hour: 18, minute: 30), reason: "school run"))
        #expect(OnCallCommand(text: "override invoice-oncall alice until 2026-06-01 09:00") ==
            .override(rotation: "invoice-oncall", who: "alice", end: .until(LocalDateTime(parsing: "2026-06-01 09:00")!), reason: nil))
        #expect(OnCallCommand(text: "override cancel OVR-12") == .cancelOverride(id: 12))
        #expect(OnCallCommand(text: "override cancel 12") == .cancelOverride(id: 12))
    }

    @Test func hostileTextIsAUsageProblemNeverACommand() {
        for text in [
            "schedule", "schedule x 0", "schedule x 63", "schedule x 99999999999999999999", "override", "override x alice",
            "override x alice soon", "override x alice until", "override x alice until 25:00", "override x alice 0h",
            "override cancel", "override cancel OVR-", "override cancel OVR-12345678901234", "override cancel -1", "two words",
            "override x alice 8h " + String(repeating: "y", count: 201),
        ] {
            guard case .help(let problem?) = OnCallCommand(text: text) else {
                Issue.record("'\(text.prefix(40))' was read as \(OnCallCommand(text: text))")
                continue
            }
            #expect(!problem.isEmpty)
        }
    }

    @Test func onlyOverridesChangeSomething() {
        #expect(OnCallCommand(text: "override cancel 1").changesSomething)
        #expect(OnCallCommand(text: "override x alice 1h").changesSomething)
        #expect(!OnCallCommand(text: "").changesSomething)
        #expect(!OnCallCommand(text: "schedule x").changesSomething)
    }

    @Test func usageListsEveryCommand() {
        let usage = OnCallCommand.usage.joined(separator: "\n")
        for word in ["/oncall —", "<rotation or system>", "schedule", "override <rotation>", "override cancel"] {
            #expect(usage.contains(word))
        }
    }
}
