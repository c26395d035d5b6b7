/// What the index reads of each entry, field by field, with how much a match there counts.
/// Titles and aliases weigh most, then the exact signals people paste (alarm names, log
/// lines, error strings), then the body.
struct SearchDocument {
    enum Weight {
        static let title: Float = 5
        static let alias: Float = 5
        static let identifier: Float = 3
        static let signal: Float = 3
        static let summary: Float = 2
        static let body: Float = 1
    }

    var entry: EntryID
    var title: String
    var aliases: [String]
    var fields: [(weight: Float, text: String)]
    /// Small prior so that, on equal evidence, the failure-mode card wins: it is what
    /// people reach for in an incident.
    var boost: Float

    static func documents(for runbook: Runbook) -> [SearchDocument] {
        let system = runbook.system
        func contactNames(_ ids: [String]) -> String {
            ids.compactMap { runbook.contact($0)?.name }.joined(separator: " ")
        }
        var documents: [SearchDocument] = []

        documents.append(SearchDocument(
            entry: EntryID(system: system.id, kind: .overview, id: system.id),
            title: system.title, aliases: system.aliases,
            fields: [
                (Weight.title, system.title), (Weight.alias, system.aliases.joined(separator: " ")),
                (Weight.identifier, system.id), (Weight.summary, "overview system components purpose owner"),
                (Weight.summary, runbook.overview.purpose),
                (Weight.body, runbook.overview.components.map { "\($0.kind) \($0.name) \($0.note ?? "")" }.joined(separator: " ")),
                (Weight.body, runbook.overview.notes.joined(separator: " ")),
            ],
            boost: 0.9
        ))

        for dependency in runbook.dependencies {
            documents.append(SearchDocument(
                entry: EntryID(system: system.id, kind: .dependency, id: dependency.id),
                title: dependency.name, aliases: dependency.aliases,
                fields: [
                    (Weight.title, dependency.name), (Weight.alias, dependency.aliases.joined(separator: " ")),
                    (Weight.identifier, dependency.id),
                    (Weight.summary, dependency.howItFails.joined(separator: " ")),
                    (Weight.signal, dependency.detection.joined(separator: " ")),
                    (Weight.body, [dependency.usedFor, dependency.impact, dependency.fallback ?? "",
                                   dependency.mitigation ?? "", dependency.prevention ?? ""].joined(separator: " ")),
                ],
                boost: 1.0
            ))
        }

        for failureMode in runbook.failureModes {
            let actions = failureMode.immediateActions.map { action in
                ([action.when ?? "", action.text, action.command ?? "", action.note ?? ""] + action.steps)
                    .joined(separator: " ")
            }
            documents.append(SearchDocument(
                entry: EntryID(system: system.id, kind: .failureMode, id: failureMode.id),
                title: failureMode.title, aliases: failureMode.aliases,
                fields: [
                    (Weight.title, failureMode.title), (Weight.alias, failureMode.aliases.joined(separator: " ")),
                    (Weight.identifier, failureMode.id),
                    (Weight.signal, failureMode.detection.alarms.joined(separator: " ")),
                    (Weight.signal, failureMode.detection.logs.joined(separator: " ")),
                    (Weight.summary, failureMode.detection.notifications.joined(separator: " ")),
                    (Weight.summary, failureMode.causes.joined(separator: " ")),
                    (Weight.body, failureMode.customerImpact + " " + (failureMode.severityReason ?? "")),
                    (Weight.body, actions.joined(separator: " ")),
                ],
                boost: 1.15
            ))
        }

        for procedure in runbook.procedures {
            let steps = procedure.steps.map { step in
                ([step.title, step.details ?? "", step.command ?? "", step.expect ?? ""]
                    + step.decisions + step.watch + step.notes).joined(separator: " ")
            }
            documents.append(SearchDocument(
                entry: EntryID(system: system.id, kind: .procedure, id: procedure.id),
                title: procedure.title, aliases: procedure.aliases,
                fields: [
                    (Weight.title, procedure.title), (Weight.alias, procedure.aliases.joined(separator: " ")),
                    (Weight.identifier, procedure.id + " procedure remediation"),
                    (Weight.summary, procedure.steps.map(\.title).joined(separator: " ")),
                    (Weight.body, procedure.assumptions.joined(separator: " ")),
                    (Weight.body, steps.joined(separator: " ")),
                ],
                boost: 1.05
            ))
        }

        let escalation = runbook.escalation
        let levels = escalation.levels.map { level in
            "\(level.name) \(contactNames(level.notify)) \(level.may.joined(separator: " "))"
        }
        documents.append(SearchDocument(
            entry: EntryID(system: system.id, kind: .escalation, id: system.id),
            title: "Escalation: \(system.title)", aliases: ["escalation", "escalation path"],
            fields: [
                (Weight.title, "escalation escalate escalation path who to call"),
                (Weight.summary, "levels level page paging critical \(system.title)"),
                (Weight.body, levels.joined(separator: " ")),
                (Weight.body, (escalation.critical?.triggers ?? []).joined(separator: " ")),
                (Weight.body, (escalation.critical?.actions ?? []).joined(separator: " ")),
            ],
            boost: 1.0
        ))

        for contact in runbook.contacts {
            documents.append(SearchDocument(
                entry: EntryID(system: system.id, kind: .contact, id: contact.id),
                title: contact.name, aliases: [],
                fields: [
                    (Weight.title, contact.name), (Weight.identifier, contact.id),
                    (Weight.summary, [contact.role ?? "", contact.email ?? "", contact.slack?.description ?? ""]
                        .joined(separator: " ")),
                    (Weight.body, "contact " + [contact.external ?? "", contact.pagerDuty?.url ?? "",
                                               contact.pagerDuty?.service ?? ""].joined(separator: " ")),
                    (Weight.body, contact.notes.joined(separator: " ")),
                ],
                boost: 0.95
            ))
        }
        return documents
    }
}
