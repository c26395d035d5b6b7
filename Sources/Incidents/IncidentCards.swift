import RunbookModel

/// Every view of an incident, as neutral cards: the card posted in its channel, the replies
/// to `/incident`, and the pieces the thread messages share. Chats render these; nothing
/// here knows any chat's markup.
public enum IncidentCards {
    // MARK: The incident's own card, posted in its channel and updated in place

    public static func card(_ incident: Incident, times: TimeFormatter) -> Card {
        var about: [Card.Item] = [
            .field("State", stateLine(incident)),
            .field("Severity", "\(incident.severity.rawValue)"),
            .field("Declared", "\(times.format(incident.declaredAt)) by \(actor: incident.declaredBy)"),
        ]
        if let title = incident.failureModeTitle, let id = incident.failureModeID {
            about.append(.hint("Runbook: \(title)", command: "/runbook \(id)"))
        }
        if let status = incident.lastStatusText {
            about.append(.field("Latest update", Card.Text(status)))
        }
        var sections = [Card.Section(nil, about)]
        if !incident.immediateActions.isEmpty {
            sections.append(Card.Section("Immediate actions", actionSteps(incident)))
        }
        var card = Card(title: "\(incident.id): \(incident.title)", subtitle: "Incident · \(incident.policy.system)", sections: sections)
        if incident.isOpen {
            card.buttons = buttons(incident)
            card.footer = ["/incident update \(incident.id) <status> · /incident show \(incident.id)"]
        }
        return card
    }

    /// Acknowledge (while triggered), Escalate now (while levels remain), Resolve.
    static func buttons(_ incident: Incident) -> [Card.Button] {
        var buttons: [Card.Button] = []
        if incident.state == .triggered {
            buttons.append(Card.Button("Acknowledge", action: CardAction.acknowledgeID, value: incident.id))
        }
        if incident.levelsReached < incident.policy.levels.count {
            buttons.append(Card.Button(
                "Escalate now", action: CardAction.escalateID, value: "\(incident.id)@\(incident.levelsReached)", style: .danger
            ))
        }
        buttons.append(Card.Button("Resolve", action: CardAction.resolveID, value: incident.id, style: .primary))
        for procedure in (incident.procedures ?? []).prefix(5) {
            buttons.append(Card.Button(RunChecklist.label("Start procedure: \(procedure.title)"), action: RunButton.startID, value: "\(incident.id)|\(procedure.id)"))
        }
        return buttons
    }

    /// The immediate actions as numbered steps, each with its command or link.
    public static func actionSteps(_ incident: Incident) -> [Card.Item] {
        incident.immediateActions.enumerated().map { index, action in
            var children: [Card.Item] = []
            if let command = action.command { children.append(.command(command)) }
            let text = action.link.map { Card.Text([.plain(action.text + " "), .link($0, url: $0)]) } ?? Card.Text(action.text)
            return .step(index + 1, text, children)
        }
    }

    // MARK: Replies to /incident

    static func declared(_ incident: Incident) -> Card {
        var items: [Card.Item] = [.field("Severity", "\(incident.severity.rawValue)")]
        if let title = incident.failureModeTitle, let id = incident.failureModeID {
            items.append(.hint("Runbook: \(title)", command: "/runbook \(id)"))
        }
        items.append(.field("Escalation", Card.Text(chainSummary(incident))))
        items.append(.text("The incident card is being posted in this channel; escalation pings go in its thread."))
        return Card(title: "\(incident.id) declared: \(incident.title)", subtitle: "Incident · \(incident.policy.system)",
                    sections: [Card.Section(nil, items)])
    }

    static func changed(_ incident: Incident, verb: String) -> Card {
        Card(title: "\(incident.id) \(verb)", subtitle: "\(incident.title) · \(stateLine(incident))")
    }

    /// Open incidents: the channel's own, or (`everywhere`, for admins) every channel's.
    static func list(_ incidents: [Incident], damaged: [DamagedRecord] = [], everywhere: Bool, now: Timestamp, times: TimeFormatter) -> Card {
        let place = everywhere ? "" : " in this channel"
        let damagedSection = damaged.isEmpty ? [] : [Card.Section(
            "Damaged records, set aside (\(damaged.count))",
            damaged.map { Card.Item.bullet("\($0.id): \($0.reason)") }
        )]
        guard !incidents.isEmpty else {
            return Card(
                title: "No open incidents\(place)",
                sections: [Card.Section(nil, [.hint("Start one", command: "/incident declare <what is happening>")])] + damagedSection
            )
        }
        let items = incidents.map { incident in
            Card.Item.field(
                "\(incident.id) [\(incident.severity.rawValue)]",
                "\(incident.title) · \(stateLine(incident)) · open \(TimeFormatter.elapsed(from: incident.declaredAt, to: now)) (since \(times.format(incident.declaredAt)))"
            )
        }
        return Card(title: "Open incidents\(place) (\(incidents.count))", sections: [Card.Section(nil, items)] + damagedSection)
    }

    static func detail(_ incident: Incident, timeline: [TimelineEntry], deliveries: [DeliveryRecord], now: Timestamp, times: TimeFormatter) -> Card {
        var about: [Card.Item] = [
            .field("State", stateLine(incident)),
            .field("Severity", "\(incident.severity.rawValue)"),
            .field("Declared", "\(times.format(incident.declaredAt)) by \(actor: incident.declaredBy) in \(mention: .channel(id: incident.channel))"),
            .field("Escalation", Card.Text(chainSummary(incident))),
        ]
        if let title = incident.failureModeTitle, let id = incident.failureModeID {
            about.append(.hint("Runbook: \(title)", command: "/runbook \(id)"))
        }
        if let status = incident.lastStatusText, let at = incident.lastStatusUpdateAt {
            about.append(.field("Latest update", "\(status) (\(times.format(at)))"))
        }
        if let publication = incident.publication {
            about.append(.field(
                "Status page",
                "\(publication.name): \(publication.impact) — “\(publication.text)” (\(times.format(publication.publishedAt)) by \(actor: publication.publishedBy))"
            ))
        } else {
            about.append(.field("Status page", "not published (see /incident publish)"))
        }
        var sections = [Card.Section(nil, about)]
        if !incident.immediateActions.isEmpty {
            sections.append(Card.Section("Immediate actions", actionSteps(incident)))
        }
        sections.append(Card.Section("Timeline", timeline.map { entry in
            .text("\(times.format(entry.at)) · \(actor: entry.actor) · \(entry.text)")
        }))
        let failed = deliveries.filter { $0.status == .failed }
        let pending = deliveries.filter { $0.status == .pending }
        if !failed.isEmpty || !pending.isEmpty {
            var items = failed.map { Card.Item.bullet("not delivered to \($0.queue): \($0.lastError ?? "unknown error")") }
            items += pending.compactMap { record in
                record.lastError.map { Card.Item.bullet("still trying \(record.queue): \($0)") }
            }
            if !pending.isEmpty { items.append(.text("\(pending.count) message(s) still waiting to be delivered")) }
            sections.append(Card.Section("Deliveries", items))
        }
        return Card(title: "\(incident.id): \(incident.title)", subtitle: "Incident · \(incident.policy.system)",
                    sections: sections, footer: ["open for \(TimeFormatter.elapsed(from: incident.declaredAt, to: incident.resolvedAt ?? now))"])
    }

    static func help(problem: String?) -> Card {
        var sections: [Card.Section] = []
        if let problem { sections.append(Card.Section(nil, [.text(Card.Text(problem))])) }
        sections.append(Card.Section("Commands", IncidentCommand.Verb.allCases.map { .field($0.form, Card.Text($0.meaning)) }))
        sections.append(Card.Section(nil, [.text("The id may be left out when this channel has exactly one open incident.")]))
        return Card(title: "runbook-bot: incidents", sections: sections)
    }

    // MARK: Shared pieces

    /// "triggered, level 1 of 3", "acknowledged by @alex, level 2 of 3", "resolved by @sam".
    public static func stateLine(_ incident: Incident) -> Card.Text {
        let level = incident.levelsReached > 0 ? ", level \(incident.levelsReached) of \(incident.policy.levels.count)" : ""
        switch incident.state {
        case .triggered: return "triggered\(level)"
        case .acknowledged: return incident.acknowledgedBy.map { "acknowledged by \(actor: $0)\(level)" } ?? "acknowledged\(level)"
        case .resolved: return incident.resolvedBy.map { "resolved by \(actor: $0)" } ?? "resolved"
        }
    }

    static func chainSummary(_ incident: Incident) -> String {
        let levels = incident.policy.levels.map { "L\($0.level) \($0.name) at \(RunbookDuration(seconds: $0.afterSeconds))" }
        let condition = incident.policy.runsWhile == .unresolved ? "until resolved" : "until acknowledged"
        return levels.joined(separator: " → ") + " (\(condition))"
    }
}

extension Card.Text.StringInterpolation {
    /// Someone who acted: a mention of a person, or the bot by name.
    public mutating func appendInterpolation(actor: String) {
        if actor == IncidentMachine.bot {
            appendInterpolation(actor)
        } else {
            appendInterpolation(mention: .user(id: actor))
        }
    }
}
