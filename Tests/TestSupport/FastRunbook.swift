import Foundation
import RunbookModel

/// A runbook whose escalation levels are seconds apart, so tests can watch a whole chain.
public enum FastRunbook {
    /// bot.yaml permissions for the ownership matrix: U0ADMIN is an admin, U0LISTED is on
    /// every list, anyone else on none.
    public static let matrixPermissions = """
        permissions:
          admins: [U0ADMIN]
          declare: [U0LISTED]
          acknowledge: [U0LISTED]
          update: [U0LISTED]
          escalate: [U0LISTED]
          resolve: [U0LISTED]
          publish: [U0LISTED]
        """

    /// Levels: on-call (a user), leads (a user group), the team (a channel), reached after
    /// `levelSeconds[0]`, `[1]`, `[2]` seconds.
    public static func yaml(levelSeconds: [Int] = [0, 2, 4]) -> String {
        """
        system:
          id: fast
          title: Fast pipeline
          updated: 2026-11-01
          reviewed: 2026-11-01
          owner: oncall
        overview:
          purpose: Exercise escalation in seconds.
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
                command: aws logs tail /aws/lambda/fast-parser --since 30m
            escalate_to: lead
        escalation:
          runs_while: unresolved
          levels:
            - {level: 1, name: On-call, notify: [oncall], after: \(levelSeconds[0])s}
            - {level: 2, name: Lead, notify: [lead], after: \(levelSeconds[1])s}
            - {level: 3, name: Team, notify: [team], after: \(levelSeconds[2])s}
        contacts:
          - {id: oncall, name: On-call, slack: U0ONCALL, updated: 2026-11-01}
          - {id: lead, name: Leads, slack: S0LEADS, updated: 2026-11-01}
          - {id: team, name: Team channel, slack: C0TEAM, updated: 2026-11-01}
        """
    }

    /// The runbook (and a `bot.yaml`, when given) loaded as the bot loads them.
    public static func load(levelSeconds: [Int] = [0, 2, 4], settings: String? = nil) throws -> (library: RunbookLibrary, settings: BotSettings) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fast-runbook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/runbooks", withIntermediateDirectories: true)
        try yaml(levelSeconds: levelSeconds).write(toFile: directory + "/runbooks/fast.yaml", atomically: true, encoding: .utf8)
        if let settings { try settings.write(toFile: directory + "/bot.yaml", atomically: true, encoding: .utf8) }
        let loaded = RunbookLoader.load(configDirectory: directory, today: CalendarDate(year: 2026, month: 11, day: 2)!)
        guard let library = loaded.library else { throw LoadFailure(diagnostics: "\(loaded.diagnostics)") }
        return (library, loaded.settings)
    }

    public struct LoadFailure: Error, CustomStringConvertible {
        public var diagnostics: String
        public var description: String { "the fast runbook does not load: \(diagnostics)" }
    }
}
