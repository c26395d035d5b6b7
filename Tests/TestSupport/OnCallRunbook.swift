import Foundation
import RunbookModel

/// A runbook whose level 1 is a rotation, with an `oncall.yaml` beside it: daily shifts
/// handing over at 09:00 UTC between alice and bob from 2026-05-01, and a rotation PagerDuty
/// keeps (schedule PSCHED1, falling back to carol).
public enum OnCallRunbook {
    public static let runbook = """
        system:
          id: fast
          title: Fast pipeline
          updated: 2026-05-01
          reviewed: 2026-05-01
          owner: alice
        overview:
          purpose: Exercise on-call rotations.
          components:
            - kind: Lambda
              name: fast-parser
        failure_modes:
          - id: lambda-timeout
            title: Lambda timeout
            aliases: [timeout]
            severity: high
            detection:
              logs: ["Task timed out after 900.00 seconds"]
            causes: [Slow dependency]
            customer_impact: Invoices are late
            immediate_actions:
              - do: Check the logs
        escalation:
          runs_while: unresolved
          levels:
            - {level: 1, name: On-call, notify: [oncall], after: 0s}
            - {level: 2, name: Platform, notify: [platform], after: 60s}
            - {level: 3, name: Everyone, notify: [team, oncall], after: 15h}
          critical:
            triggers: [Data loss]
            actions: [Page everyone]
            page: oncall
        contacts:
          - {id: oncall, name: On-call rotation, rotation: fast-oncall, updated: 2026-05-01}
          - {id: platform, name: Platform on-call, rotation: platform-pd, updated: 2026-05-01}
          - {id: team, name: Team channel, slack: C0TEAM, updated: 2026-05-01}
          - {id: alice, name: Alice, slack: U0ALICE, email: alice@example.com, updated: 2026-05-01}
          - {id: bob, name: Bob, slack: U0BOB, email: bob@example.com, updated: 2026-05-01}
          - {id: carol, name: Carol, slack: U0CAROL, email: Carol@Example.com, updated: 2026-05-01}
        """

    public static let rotations = """
        rotations:
          - id: fast-oncall
            name: Fast on-call
            timezone: UTC
            shift: 1d
            handoff: "09:00"
            start: 2026-05-01
            participants: [alice, bob]
            channel: C0ONCALL
            user_group: S0ONCALL
          - id: platform-pd
            name: Platform (PagerDuty)
            timezone: UTC
            pagerduty_schedule: PSCHED1
            participants: [carol]
        """

    /// The library (and `settings` as bot.yaml) loaded as the bot loads them; `rotations`
    /// replaces the `oncall.yaml` above.
    public static func load(settings: String? = nil, rotations: String = rotations) throws -> (library: RunbookLibrary, settings: BotSettings) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oncall-runbook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/runbooks", withIntermediateDirectories: true)
        try runbook.write(toFile: directory + "/runbooks/fast.yaml", atomically: true, encoding: .utf8)
        try rotations.write(toFile: directory + "/oncall.yaml", atomically: true, encoding: .utf8)
        if let settings { try settings.write(toFile: directory + "/bot.yaml", atomically: true, encoding: .utf8) }
        let loaded = RunbookLoader.load(configDirectory: directory, today: CalendarDate(year: 2026, month: 5, day: 2)!)
        guard let library = loaded.library else { throw FastRunbook.LoadFailure(diagnostics: "\(loaded.diagnostics)") }
        return (library, loaded.settings)
    }
}
