import Incidents
import RunbookModel

enum Fixtures {
    static let start = Timestamp(milliseconds: 1_780_000_000_000)

    static func at(seconds: Int) -> Timestamp { start.adding(seconds: seconds) }

    static func policy(
        runsWhile: EscalationCondition = .unresolved, levels: [Int] = [0, 900, 1800],
        repeating: PolicySnapshot.Repeat? = nil
    ) -> PolicySnapshot {
        PolicySnapshot(
            system: "invoice-pipeline", runsWhile: runsWhile,
            levels: levels.enumerated().map { index, after in
                PolicySnapshot.Level(
                    level: index + 1, name: "Level \(index + 1)", afterSeconds: after,
                    targets: [NotifyTarget(contactID: "c\(index + 1)", name: "Contact \(index + 1)", chat: .user(id: "U0\(index + 1)"))],
                    may: []
                )
            },
            repeatAfterLast: repeating,
            critical: PolicySnapshot.Critical(actions: ["Page PagerDuty immediately"], page: nil, targets: [])
        )
    }

    static func declare(
        severity: IncidentSeverity = .sev2, policy: PolicySnapshot = policy(), reminderSeconds: Int? = nil
    ) -> Transition {
        IncidentMachine.declare(
            IncidentMachine.Declaration(
                title: "Invoices stuck", severity: severity, channel: "C1", declaredBy: "U9",
                policy: policy, reminderSeconds: reminderSeconds
            ),
            number: 1, at: start
        )
    }
}
