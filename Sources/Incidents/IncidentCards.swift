import RunbookModel

/// Replies to `/incident` commands, as cards. Every card about an incident names its id.
enum IncidentCards {
    static func declared(_ incident: Incident) -> Card {
        var items: [Card.Item] = [.field("Severity", incident.severity.rawValue)]
        if let title = incident.failureModeTitle, let id = incident.failureModeID {
            items.append(.hint("Runbook: \(title)", command: "/runbook \(id)"))
        }
        items.append(.field("Escalation", chainSummary(incident)))
        items.append(.text("The incident card is being posted in this channel; escalation pings go in its thread."))
        return Card(title: "\(incident.id) declared: \(incident.title)", subtitle: "Incident · \(incident.policy.system)",
                    sections: [Card.Section(nil, items)])
    }

    static func changed(_ incident: Incident, verb: String) -> Card {
        Card(title: "\(incident.id) \(verb)", subtitle: "\(incident.title) · \(stateLine(incident))")
    }

    static func list(_ incidents: [Incident], now: Timestamp, times: TimeFormatter) -> Card {
        guard !incidents.isEmpty else {
            return Card(title: "No open incidents", sections: [Card.Section(nil, [.hint("Start one", command: "/incident declare <what is happening>")])])
        }
        let items = incidents.map { incident in
            Card.Item.field(
                "\(incident.id) [\(incident.severity.rawValue)]",
                "\(incident.title) · \(stateLine(incident)) · open \(TimeFormatter.elapsed(from: incident.declaredAt, to: now)) (since \(times.format(incident.declaredAt)))"
            )
        }
        return Card(title: "Open incidents (\(incidents.count))", sections: [Card.Section(nil, items)])
    }

    static func detail(_ incident: Incident, timeline: [TimelineEntry], deliveries: [DeliveryRecord], now: Timestamp, times: TimeFormatter) -> Card {
        var about: [Card.Item] = [
            .field("State", stateLine(incident)),
            .field("Severity", incident.severity.rawValue),
            .field("Declared", "\(times.format(incident.declaredAt)) by \(mention(incident.declaredBy)) in <#\(incident.channel)>"),
            .field("Escalation", chainSummary(incident)),
        ]
        if let title = incident.failureModeTitle, let id = incident.failureModeID {
            about.append(.hint("Runbook: \(title)", command: "/runbook \(id)"))
        }
        if let status = incident.lastStatusText, let at = incident.lastStatusUpdateAt {
            about.append(.field("Latest update", "\(status) (\(times.format(at)))"))
        }
        var sections = [Card.Section(nil, about)]
        if !incident.immediateActions.isEmpty {
            sections.append(Card.Section("Immediate actions", incident.immediateActions.enumerated().map { index, action in
                let lines = action.split(separator: "\n", maxSplits: 1).map(String.init)
                return .step(index + 1, lines[0], lines.count > 1 ? [.command(lines[1])] : [])
            }))
        }
        sections.append(Card.Section("Timeline", timeline.map { entry in
            .text("\(times.format(entry.at)) · \(mention(entry.actor)) · \(entry.text)")
        }))
        let failed = deliveries.filter { $0.status == .failed }
        let pending = deliveries.filter { $0.status == .pending }
        if !failed.isEmpty || !pending.isEmpty {
            var items = failed.map { Card.Item.bullet("not delivered to \($0.queue): \($0.lastError ?? "unknown error")") }
            if !pending.isEmpty { items.append(.text("\(pending.count) message(s) still waiting to be delivered")) }
            sections.append(Card.Section("Deliveries", items))
        }
        return Card(title: "\(incident.id): \(incident.title)", subtitle: "Incident · \(incident.policy.system)",
                    sections: sections, footer: ["open for \(TimeFormatter.elapsed(from: incident.declaredAt, to: incident.resolvedAt ?? now))"])
    }

    static func help(problem: String?) -> Card {
        var sections: [Card.Section] = []
        if let problem { sections.append(Card.Section(nil, [.text(problem)])) }
        sections.append(Card.Section("Commands", IncidentCommand.usage.map { .field($0.form, $0.meaning) }))
        sections.append(Card.Section(nil, [.text("The id may be left out when this channel has exactly one open incident.")]))
        return Card(title: "runbook-bot: incidents", sections: sections)
    }

    static func stateLine(_ incident: Incident) -> String {
        let level = incident.levelsReached > 0 ? ", level \(incident.levelsReached) of \(incident.policy.levels.count)" : ""
        switch incident.state {
        case .triggered: return "triggered\(level)"
        case .acknowledged: return "acknowledged by \(mention(incident.acknowledgedBy ?? "?"))\(level)"
        case .resolved: return "resolved by \(mention(incident.resolvedBy ?? "?"))"
        }
    }

    static func chainSummary(_ incident: Incident) -> String {
        let levels = incident.policy.levels.map { "L\($0.level) \($0.name) at \(RunbookDuration(seconds: $0.afterSeconds))" }
        let condition = incident.policy.runsWhile == .unresolved ? "until resolved" : "until acknowledged"
        return levels.joined(separator: " → ") + " (\(condition))"
    }

    static func mention(_ actor: String) -> String {
        actor == IncidentMachine.bot ? actor : "<@\(actor)>"
    }
}
