import Foundation
import GRDB
import Incidents
import RunbookModel
import Storage
import TestSupport
import Testing

/// A database written by version 1 of the bot (chat markup inside stored incidents and
/// outbox rows) opens, migrates to neutral data, and keeps escalating.
struct MigrationTests {
    /// `Fixtures/version-1-incidents.sql`: `sqlite3 .dump` of a database that version 1 wrote
    /// while declaring, escalating, updating and acknowledging incidents with Slack unreachable,
    /// so its outbox still holds pending rows.
    static func versionOneDatabase() throws -> String {
        let script = try String(
            contentsOf: try #require(Bundle.module.url(forResource: "version-1-incidents", withExtension: "sql", subdirectory: "Fixtures")),
            encoding: .utf8
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("incidents.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: script) }
        try queue.close()
        return path
    }

    static let incidentThreeDeclared = Timestamp(milliseconds: 1_795_952_200_632)

    @Test func contactsActionsAndReasonsBecomeData() async throws {
        let path = try Self.versionOneDatabase()
        let store = try SQLiteIncidentStore(path: path, clock: TestClock(now: Self.incidentThreeDeclared))

        // `<@U…>`, `<!subteam^S…>`, `<#C…>` became addresses; handles and channel names stayed.
        let three = try #require(try await store.incident("INC-3"))
        #expect(three.policy.levels.map { $0.targets.first?.chat } == [
            .user(id: "U0ONCALL"), .userGroup(id: "S0LEADS"), .channel(id: "C0TEAM"),
        ])
        let one = try #require(try await store.incident("INC-1"))
        #expect(one.policy.levels[1].targets.first?.chat == .handle("charles"))
        #expect(one.policy.levels[2].targets.first?.chat == .channelName("incidents"))
        #expect(one.policy.critical?.page?.pagerDutyURL == "https://pagerduty.com/incidents")

        // "text\ncommand" became a text and its command.
        let first = try #require(one.immediateActions.first)
        #expect(first.text == "Check Lambda CloudWatch Logs for errors")
        #expect(first.command?.hasPrefix("aws logs tail /aws/lambda/invoice-parser --since 30m") == true)
        #expect(one.immediateActions.allSatisfy { !$0.text.contains("\n") })

        // Pending messages still decode; their sentences are kept and read as before.
        let pending = try await store.deliveries("INC-1").filter { $0.status == .pending }.map(\.delivery.effect)
        #expect(pending.contains(.notifyLevel(level: 1, reason: .recorded(text: "incident declared"))))
        #expect(pending.contains(.notifyLevel(level: 2, reason: .recorded(text: "escalated by hand by U0ALEX"))))
        #expect(IncidentNotice.describe(EscalationReason.recorded(text: "escalated by hand by U0ALEX")).description == "escalated by hand by U0ALEX")
        let heads = try await store.deliverable(at: Self.incidentThreeDeclared.adding(seconds: 3600))
        #expect(Set(heads.map(\.queue)) == ["slack:C0INCIDENTS", "slack:C0PAYMENTS", "pagerduty"], "every queue still delivers")
        #expect(try await store.timeline("INC-1").first?.text == "declared sev2: lambda timeout invoices stuck")
        // INC-2 was paged under its bare id; resolving it must use the same key.
        #expect(try await store.incident("INC-2")?.dedupKey == "INC-2")
    }

    @Test func aMigratedIncidentKeepsEscalatingAndMentionsByAddress() async throws {
        let path = try Self.versionOneDatabase()
        let clock = TestClock(now: Self.incidentThreeDeclared)
        let store = try SQLiteIncidentStore(path: path, clock: clock)
        // INC-3 reached level 1 under version 1; level 2 is due 15 minutes after it started.
        let levelTwo = Self.incidentThreeDeclared.adding(seconds: 900)
        #expect(try await store.incident("INC-3").flatMap(EscalationPlanner.nextDeadline) == levelTwo)

        clock.advance(to: levelTwo)
        #expect(try await store.dueIncidents(at: clock.now()).contains("INC-3"))
        let routing = DeliveryRouting(statusChannels: [], pagerDutyEnabled: false)
        let change = try #require(try await store.update("INC-3") { incident in
            EscalationPlanner.due(incident, at: levelTwo).map(routing.change(for:))
        }.saved)
        let reason = EscalationReason.notHandled(afterSeconds: 900, runsWhile: .unresolved)
        #expect(change.transition.effects.contains(.notifyLevel(level: 2, reason: reason)))

        // The ping names the level's user group as a mention, for the chat to render.
        let notice = IncidentNotice.notice(
            for: .notifyLevel(level: 2, reason: reason), incident: change.transition.incident, place: .thread,
            times: TimeFormatter(timeZoneIdentifier: "UTC")
        )
        guard case .message(let text, broadcast: true) = notice else {
            Issue.record("a level-2 ping is a broadcast thread message, got \(notice)")
            return
        }
        #expect(text.spans.contains(.mention(.userGroup(id: "S0LEADS"))))

        // Opening the file again finds it migrated: nothing runs twice, everything decodes.
        let reopened = try SQLiteIncidentStore(path: path, clock: clock)
        #expect(try await reopened.incident("INC-3")?.levelsReached == 2)
        #expect(try await reopened.openIncidents(channel: nil).count == 3)
    }
}
