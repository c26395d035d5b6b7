import GRDB
import Incidents
import RunbookModel
import Storage
import TestSupport
import Testing

/// The postmortem of a real incident record: every section, and follow-ups that say what
/// to change in the runbook.
struct PostmortemTests {
    @Test func theRecordBecomesADocumentWithRunbookFollowUps() async throws {
        let bot = try IncidentDeskTests.desk()
        _ = await bot.run("declare sev2 widgets wobbling oddly")  // matches no failure mode
        _ = await bot.run("update INC-1 replaying from the ops box")
        _ = await bot.run("escalate INC-1")
        _ = await bot.run("publish INC-1 Invoices are delayed")
        bot.clock.advance(by: .seconds(600))
        _ = await bot.run("resolve INC-1 replayed")
        let incident = try #require(try await bot.store.incident("INC-1"))

        var run = RunMachine.start(RunMachineTests.procedure, system: "fast", kind: .incident, incidentID: "INC-1",
                                   channel: "C0INC", number: 1, by: "U0ALEX", at: incident.declaredAt).run
        run = try RunMachine.apply(.choose(2), to: run, by: "U0ALEX", at: incident.declaredAt.adding(seconds: 60)).run
        run = try RunMachine.apply(.skip(note: "not needed"), to: run, by: "U0ALEX", at: incident.declaredAt.adding(seconds: 90)).run

        let postmortem = Postmortem(
            incident: incident, timeline: try await bot.store.timeline("INC-1"), deliveries: try await bot.store.deliveries("INC-1"),
            runs: [run], runbookFile: "bot-config/runbooks/fast.yaml"
        )
        let markdown = MarkdownRenderer.render(postmortem.card(times: TimeFormatter(timeZoneIdentifier: "UTC"), now: bot.clock.now()))
        for heading in ["# Postmortem: INC-1", "## Summary", "## Timeline", "## Escalation (2 of 3 levels reached)",
                        "## Procedure runs", "## Updates", "## Runbook follow-ups"] {
            #expect(markdown.contains(heading), "missing \(heading)")
        }
        #expect(markdown.contains("- **Resolved**: 2026-05-28 20:36") && markdown.contains("(10m after declaring)"))
        #expect(markdown.contains("internal: replaying from the ops box"))
        #expect(markdown.contains("published to the status page: Invoices are delayed"))
        #expect(markdown.contains("2. Replay in small batches — skipped, 30s (“not needed”)"))
        let followUps = postmortem.followUps()
        #expect(followUps.contains("The declaration “widgets wobbling oddly” matched no failure mode: add one for it? (bot-config/runbooks/fast.yaml)"))
        #expect(followUps.contains { $0.hasPrefix("Escalation went past level 1") })
        #expect(followUps.contains("Step 2 of replay-backlog was skipped: “not needed” — still right? (bot-config/runbooks/fast.yaml)"))
    }

    @Test func markdownEscapesWhatWouldFormat() {
        let card = Card(title: "INC-1 *bold* <script>", sections: [Card.Section("Timeline", [.text("a_b `c`")])])
        let markdown = MarkdownRenderer.render(card)
        #expect(markdown.hasPrefix("# INC-1 \\*bold\\* \\<script\\>"))
        #expect(markdown.contains("a\\_b \\`c\\`"))
    }
}
