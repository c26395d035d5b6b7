import Foundation
import RunbookModel
import Testing

/// The shipped `bot-config/oncall.yaml` and the annotated example in `docs/oncall.md` load
/// with the sample runbook, so neither can drift from what the loader accepts.
struct OnCallSampleTests {
    typealias F = OnCallFixtures

    @Test func sampleRotationCoversTheInvoicePipeline() throws {
        let result = RunbookLoader.load(configDirectory: SampleRunbook.configDirectory, today: SampleRunbook.today)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let library = try #require(result.library)
        let rotation = try #require(library.rotation("invoice-oncall"))
        #expect(rotation.timeZone.identifier == "Europe/London")
        #expect(rotation.plan?.shiftLength == .weeks(1))
        #expect(rotation.plan?.handoff.description == "Monday 09:00")
        #expect(rotation.plan?.participants == ["charles", "devops"])
        #expect(rotation.channel == .channelName("devops"))

        // Level 1's "on-call" contact is whoever is on call, then its PagerDuty details.
        let onCall = try #require(SampleRunbook.runbook.contact("on-call"))
        #expect(onCall.rotation == "invoice-oncall")
        #expect(library.contactsToReach(onCall, at: F.utc("2026-04-21 12:00")).map(\.id) == ["charles", "on-call"])
        // 27 April 09:00 BST is 08:00 UTC: devops takes over then, not at 09:00 UTC.
        #expect(library.contactsToReach(onCall, at: F.utc("2026-04-27 07:59")).map(\.id) == ["charles", "on-call"])
        #expect(library.contactsToReach(onCall, at: F.utc("2026-04-27 08:00")).map(\.id) == ["devops", "on-call"])
        // Before the rotation starts nobody is on call: both participants are reached.
        #expect(library.contactsToReach(onCall, at: F.utc("2026-04-01 12:00")).map(\.id) == ["charles", "devops", "on-call"])
        // A contact without a rotation is reached as itself.
        let charles = try #require(SampleRunbook.runbook.contact("charles"))
        #expect(library.contactsToReach(charles, at: F.utc("2026-04-21 12:00")).map(\.id) == ["charles"])
    }

    @Test func annotatedExampleLoads() throws {
        let path = SampleRunbook.configDirectory.replacingOccurrences(of: "/bot-config", with: "/docs/oncall.md")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let start = try #require(text.range(of: "```yaml\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let example = String(text[start.upperBound..<end.lowerBound])
        let runbook = SampleRunbook.configDirectory + "/runbooks/invoice-pipeline.yaml"
        let result = RunbookLoader.load(
            documents: [(file: runbook, text: try String(contentsOfFile: runbook, encoding: .utf8))],
            onCall: (file: "docs/oncall.md", text: example),
            today: SampleRunbook.today
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let rotations = try #require(result.library?.rotations)
        #expect(rotations.map(\.id) == ["invoice-oncall", "parser-follow-the-sun", "platform-pagerduty"])
        #expect(rotations[0].plan?.overrides.count == 1)
        #expect(rotations[0].userGroup == .userGroup(id: "S0INVOICEONCALL"))
        #expect(rotations[1].plan?.shiftLength == .hours(12))
        #expect(rotations[2].pagerDutySchedule == "PABC123")
    }

    @Test func documentedExamplesOfTheTimeRulesHold() throws {
        // docs/oncall.md names these instants; keep the page honest.
        let newYork = F.zone("America/New_York")
        #expect(F.local("2026-03-08 02:30").instant(in: newYork) == F.utc("2026-03-08 07:00"))
        #expect(F.local("2026-11-01 01:30").instant(in: newYork) == F.utc("2026-11-01 05:30"))
        let followTheSun = F.schedule("America/New_York", shift: .hours(12), handoff: "08:00", start: "2026-04-01", participants: ["charles", "devops"])
        let day = followTheSun.shifts(from: F.utc("2026-04-02 12:00"), to: F.utc("2026-04-03 13:00"))
        #expect(day.map { F.wallClock($0.from, in: "America/New_York") } == ["2026-04-02 08:00", "2026-04-02 20:00", "2026-04-03 08:00"])
    }
}
