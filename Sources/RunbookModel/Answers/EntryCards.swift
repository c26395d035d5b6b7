/// Builds the card for each kind of runbook entry: what an on-call engineer needs, in
/// the order they need it.
public enum EntryCards {
    public static func card(for entry: Entry) -> Card {
        switch entry {
        case .failureMode(let failureMode, let runbook): card(failureMode, in: runbook)
        case .procedure(let procedure, let runbook): card(procedure, in: runbook)
        case .dependency(let dependency, let runbook): card(dependency, in: runbook)
        case .escalation(let runbook): escalationCard(runbook)
        case .contact(let contact, let runbook): card(contact, in: runbook)
        case .overview(let runbook): overviewCard(runbook)
        }
    }

    static func card(_ failureMode: FailureMode, in runbook: Runbook) -> Card {
        var sections: [Card.Section] = []
        var impact: [Card.Item] = [.field("Severity", Card.Text(failureMode.severity.label + (failureMode.severityReason.map { " — \($0)" } ?? "")))]
        impact.append(.field("Customer impact", Card.Text(failureMode.customerImpact)))
        sections.append(Card.Section(nil, impact))

        var detection: [Card.Item] = []
        detection += failureMode.detection.alarms.map { .field("Alarm", Card.Text($0)) }
        detection += failureMode.detection.notifications.map { .field("Notification", Card.Text($0)) }
        detection += failureMode.detection.logs.map { .field("Logs show", Card.Text($0)) }
        sections.append(Card.Section("How it's detected", detection))
        sections.append(Card.Section("Why it happens", failureMode.causes.map { .bullet(Card.Text($0)) }))
        sections.append(Card.Section("Immediate actions", failureMode.immediateActions.enumerated().map { index, action in
            actionItem(action, number: index + 1)
        }))

        var next: [Card.Item] = []
        if let contactID = failureMode.escalateTo, let contact = runbook.contact(contactID) {
            next.append(.field("Escalate to", Card.Text(reach(contact))))
        }
        for id in failureMode.procedures {
            if let procedure = runbook.procedure(id) {
                next.append(.hint("Procedure: \(procedure.title)", command: "/runbook \(procedure.id)"))
            }
        }
        for id in failureMode.dependencies {
            if let dependency = runbook.dependency(id) {
                next.append(.hint("Dependency: \(dependency.name)", command: "/runbook \(dependency.id)"))
            }
        }
        next.append(.hint("Escalation path", command: "/runbook escalation \(runbook.system.id)"))
        sections.append(Card.Section("Escalation and next steps", next))

        return Card(
            title: failureMode.title, subtitle: "Failure mode · \(runbook.system.title)",
            severity: failureMode.severity, sections: sections, footer: footer(runbook)
        )
    }

    static func actionItem(_ action: Action, number: Int) -> Card.Item {
        var children: [Card.Item] = []
        if let command = action.command { children.append(.command(command)) }
        children += action.steps.map { .bullet(Card.Text($0)) }
        if let link = action.link { children.append(.link("Link", url: link)) }
        if let note = action.note { children.append(.field("Note", Card.Text(note))) }
        let text = action.when.map { "If \($0): \(action.text)" } ?? action.text
        return .step(number, Card.Text(text), children)
    }

    static func card(_ procedure: Procedure, in runbook: Runbook) -> Card {
        var sections: [Card.Section] = []
        if !procedure.assumptions.isEmpty {
            sections.append(Card.Section("Assuming", procedure.assumptions.map { .bullet(Card.Text($0)) }))
        }
        let steps = procedure.steps.enumerated().map { index, step -> Card.Item in
            var children: [Card.Item] = []
            if let details = step.details { children.append(.text(Card.Text(details))) }
            if let command = step.command { children.append(.command(command)) }
            children += step.decisions.map { .bullet(Card.Text($0)) }
            if !step.watch.isEmpty {
                let span = step.watchFor.map { " (for \($0))" } ?? ""
                children.append(.field("Watch", Card.Text(step.watch.joined(separator: ", ") + span)))
            }
            if let expect = step.expect { children.append(.field("Expected", Card.Text(expect))) }
            if let escalation = step.escalation {
                let who = runbook.contact(escalation.contact).map(reach) ?? escalation.contact
                children.append(.field("Escalate", "if \(escalation.condition), to \(who)"))
            }
            children += step.notes.map { .bullet(Card.Text($0)) }
            return .step(index + 1, Card.Text(step.title), children)
        }
        sections.append(Card.Section("Steps", steps))
        let related = procedure.failureModes.compactMap { runbook.failureMode($0) }
        if !related.isEmpty {
            sections.append(Card.Section("Remediates", related.map { .hint($0.title, command: "/runbook \($0.id)") }))
        }
        return Card(
            title: procedure.title, subtitle: "Procedure · \(runbook.system.title)",
            sections: sections, footer: footer(runbook)
        )
    }

    /// Fallback, mitigation and prevention: what to do when the dependency breaks.
    static func responseItems(_ dependency: Dependency) -> [Card.Item] {
        var items: [Card.Item] = []
        if let fallback = dependency.fallback { items.append(.field("Fallback", Card.Text(fallback))) }
        if let mitigation = dependency.mitigation { items.append(.field("Mitigation", Card.Text(mitigation))) }
        if let prevention = dependency.prevention { items.append(.field("Prevention", Card.Text(prevention))) }
        return items
    }

    static func card(_ dependency: Dependency, in runbook: Runbook) -> Card {
        var about: [Card.Item] = [.field("Used for", Card.Text(dependency.usedFor)), .field("Impact", Card.Text(dependency.impact))]
        if let contact = dependency.contact.flatMap(runbook.contact) { about.append(.field("Contact", Card.Text(reach(contact)))) }
        var sections = [
            Card.Section(nil, about),
            Card.Section("How it fails", dependency.howItFails.map { .bullet(Card.Text($0)) }),
        ]
        if !dependency.detection.isEmpty {
            sections.append(Card.Section("How you detect it", dependency.detection.map { .bullet(Card.Text($0)) }))
        }
        sections.append(Card.Section("What you do", responseItems(dependency)))
        let related = dependency.failureModes.compactMap { runbook.failureMode($0) }
        if !related.isEmpty {
            sections.append(Card.Section("Related failure modes", related.map { .hint($0.title, command: "/runbook \($0.id)") }))
        }
        return Card(
            title: dependency.name, subtitle: "Dependency · \(runbook.system.title)",
            sections: sections, footer: footer(runbook)
        )
    }

    static func escalationCard(_ runbook: Runbook) -> Card {
        let policy = runbook.escalation
        var sections: [Card.Section] = []
        let runsWhile = policy.runsWhile == .unresolved
            ? "The chain climbs until the incident is resolved."
            : "The chain climbs until someone acknowledges the incident."
        sections.append(Card.Section(nil, [.text(Card.Text(runsWhile))]))
        for level in policy.levels {
            var items: [Card.Item] = []
            let reached = level.after == .zero ? "at once" : "after \(level.after) unresolved"
            items.append(.field("Reached", Card.Text(reached)))
            let people = level.notify.map { id in runbook.contact(id).map(reach) ?? id }
            items.append(.field("Notify", Card.Text(people.joined(separator: "; "))))
            items += level.may.map { .bullet(Card.Text($0)) }
            if let resolution = level.expectedResolution { items.append(.field("Expected time to resolution", "\(resolution)")) }
            if let response = level.expectedResponse { items.append(.field("Expected time to respond", "\(response)")) }
            sections.append(Card.Section("Level \(level.level): \(level.name)", items))
        }
        if let repeating = policy.repeatAfterLast {
            let times = repeating.times.map { "\($0) times" } ?? "until the incident closes"
            sections.append(Card.Section("After the last level", [.text("Repeats every \(repeating.every), \(times).")]))
        } else {
            sections.append(Card.Section("After the last level", [.text("The chain stops at the last level.")]))
        }
        if let critical = policy.critical {
            var items: [Card.Item] = [.field("When", Card.Text(critical.triggers.joined(separator: ", ")))]
            items += critical.actions.map { .bullet(Card.Text($0)) }
            if let page = critical.page.flatMap(runbook.contact) { items.append(.field("Page", Card.Text(reach(page)))) }
            sections.append(Card.Section("Critical escalation", items))
        }
        return Card(
            title: "Escalation: \(runbook.system.title)", subtitle: "Escalation path · \(runbook.system.id)",
            sections: sections, footer: footer(runbook)
        )
    }

    static func card(_ contact: Contact, in runbook: Runbook) -> Card {
        Card(
            title: contact.name, subtitle: "Contact · \(runbook.system.title)",
            sections: [Card.Section(nil, contactItems(contact))],
            footer: ["details checked \(contact.updated)"] + footer(runbook)
        )
    }

    static func contactItems(_ contact: Contact) -> [Card.Item] {
        var items: [Card.Item] = []
        if let role = contact.role { items.append(.field("Role", Card.Text(role))) }
        if let slack = contact.slack { items.append(.field("Slack", Card.Text(slack.description))) }
        if let email = contact.email { items.append(.field("Email", Card.Text(email))) }
        if let pagerDuty = contact.pagerDuty {
            if let url = pagerDuty.url { items.append(.link("PagerDuty", url: url)) }
            if let service = pagerDuty.service { items.append(.field("PagerDuty service", Card.Text(service))) }
            if let policy = pagerDuty.escalationPolicy { items.append(.field("PagerDuty escalation policy", Card.Text(policy))) }
        }
        if let external = contact.external { items.append(.field("External", Card.Text(external))) }
        items += contact.notes.map { .bullet(Card.Text($0)) }
        return items
    }

    static func overviewCard(_ runbook: Runbook) -> Card {
        let overview = runbook.overview
        var people: [Card.Item] = []
        if let owner = runbook.contact(runbook.system.owner) { people.append(.field("Owner", Card.Text(reach(owner)))) }
        if let backup = runbook.system.backup.flatMap(runbook.contact) { people.append(.field("Backup", Card.Text(reach(backup)))) }
        if let onCall = overview.onCall {
            let where_ = onCall.contact.flatMap(runbook.contact).map { " (\(reach($0)))" } ?? ""
            people.append(.field("On-call", Card.Text(onCall.note + where_)))
        }
        var sections = [
            Card.Section(nil, [.field("Purpose", Card.Text(overview.purpose))]),
            Card.Section("Main components", overview.components.map { component in
                .bullet("\(component.kind): \(component.name)" + (component.note.map { " — \($0)" } ?? ""))
            }),
            Card.Section("People", people),
        ]
        if !overview.notes.isEmpty { sections.append(Card.Section("Notes", overview.notes.map { .bullet(Card.Text($0)) })) }
        let index = runbook.failureModes.map { Card.Item.hint("\($0.severity.label) \($0.title)", command: "/runbook \($0.id)") }
            + runbook.procedures.map { Card.Item.hint("Procedure: \($0.title)", command: "/runbook \($0.id)") }
        sections.append(Card.Section("In this runbook", index))
        return Card(
            title: runbook.system.title, subtitle: "System overview · \(runbook.system.id)",
            sections: sections, footer: footer(runbook)
        )
    }

    /// How to reach a contact, most direct first.
    static func reach(_ contact: Contact) -> String {
        var ways: [String] = []
        if let slack = contact.slack { ways.append(slack.description) }
        if let email = contact.email { ways.append(email) }
        if let url = contact.pagerDuty?.url { ways.append(url) }
        if ways.isEmpty, let external = contact.external { ways.append(external) }
        return ways.isEmpty ? contact.name : "\(contact.name) (\(ways.joined(separator: ", ")))"
    }

    static func footer(_ runbook: Runbook) -> [String] {
        [
            runbook.system.id,
            "runbook updated \(runbook.system.updated)",
            "procedures reviewed \(runbook.system.reviewed)",
        ]
    }
}
