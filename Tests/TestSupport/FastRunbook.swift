/// A runbook whose escalation levels are seconds apart, so tests can watch a whole chain.
public enum FastRunbook {
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
}
