import Foundation
import RunbookModel

/// The fast runbook with a procedure its failure mode lists: five steps with a command,
/// a watch, escalations and a decision that jumps, for runs and drills.
public enum ProcedureRunbook {
    public static let procedureYAML = """
        procedures:
          - id: replay-backlog
            title: Replay the backlog
            assumptions: [The parser is healthy again]
            failure_modes: [lambda-timeout]
            steps:
              - title: Count the stuck invoices
                command: aws sqs get-queue-attributes --queue-url q
              - title: Replay in small batches
                watch: [queue depth]
                watch_for: 5m
                expect: queue depth falls
                escalate:
                  when: depth grows
                  to: lead
              - title: Compare the counts
                decisions:
                  - "If the counts match: continue to step 5."
                  - "If not: carry on"
              - title: Fix the mismatch
                escalate:
                  when: mismatch > 5%
                  to: lead
              - title: Tell finance
        """

    /// Escalation levels an hour apart by default, so only runs happen while a test watches.
    public static func yaml(levelSeconds: [Int] = [0, 3600, 7200]) -> String {
        FastRunbook.yaml(levelSeconds: levelSeconds)
            .replacingOccurrences(of: "    escalate_to: lead\n", with: "    escalate_to: lead\n    procedures: [replay-backlog]\n")
            .replacingOccurrences(of: "escalation:\n  runs_while", with: procedureYAML + "\nescalation:\n  runs_while")
    }

    public static func load(settings: String? = nil) throws -> (library: RunbookLibrary, settings: BotSettings) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("procedure-runbook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/runbooks", withIntermediateDirectories: true)
        try yaml().write(toFile: directory + "/runbooks/fast.yaml", atomically: true, encoding: .utf8)
        if let settings { try settings.write(toFile: directory + "/bot.yaml", atomically: true, encoding: .utf8) }
        let loaded = RunbookLoader.load(configDirectory: directory, today: CalendarDate(year: 2026, month: 11, day: 2)!)
        guard let library = loaded.library else { throw FastRunbook.LoadFailure(diagnostics: "\(loaded.diagnostics)") }
        return (library, loaded.settings)
    }
}
