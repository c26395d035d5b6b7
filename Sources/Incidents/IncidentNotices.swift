import RunbookModel

/// What the bot says for each outbox effect, as neutral content: the incident card, or a
/// message for the incident's thread or a status channel. A chat adapter decides how to
/// post it (which API, which thread) and renders the markup.
public enum IncidentNotice: Sendable, Equatable {
    /// Post the incident card (or, for `updateCard`, replace it).
    case card(Card)
    /// A message; `broadcast` also shows a thread reply in the channel.
    case message(Card.Text, broadcast: Bool)
    /// Not for chat (PagerDuty).
    case none

    /// Where a message goes: the incident's thread, or a status channel outside it.
    public enum Place: Sendable {
        case thread, statusChannel
    }

    public static func notice(for effect: Effect, incident: Incident, place: Place, times: TimeFormatter) -> IncidentNotice {
        let inThread = place == .thread
        switch effect {
        case .postCard, .updateCard:
            return .card(IncidentCards.card(incident, times: times))
        case .notifyLevel(let number, let reason, let onCall):
            let level = incident.policy.levels.first { $0.level == number }
            let name = level.map { " (\($0.name))" } ?? ""
            let people = (level?.targets ?? []).map { reach($0, onCall: onCall ?? [], times: times) }.joined(separator: " ")
            let text: Card.Text = "🚨 \(strong: incident.id) escalated to \(strong: "level \(number)\(name)"): \(describe(reason))\n\(people)"
            return .message(text + actions(incident), broadcast: number > 1)
        case .notifyCritical(let onCall):
            let people = criticalTargets(incident).map { reach($0, onCall: onCall ?? [], times: times) }.joined(separator: " ")
            let steps = (incident.policy.critical?.actions ?? []).map { Card.Text("• \($0)") }.joined(separator: "\n")
            let text: Card.Text = "🔴 \(strong: "CRITICAL \(incident.id)"): \(incident.title)\n\(people)\n\(steps)"
            return .message(text + actions(incident), broadcast: true)
        case .statusUpdate(let status):
            let prefix: Card.Text = inThread ? "Status update" : "\(strong: incident.id) (\(incident.title)) status update"
            return .message("\(prefix): \(status)", broadcast: false)
        case .reminder:
            let since = incident.lastStatusUpdateAt ?? incident.declaredAt
            return .message(
                "⌛ \(incident.id) has had no status update since \(times.format(since)). Post one with \(code: "/incident update \(incident.id) <status>").",
                broadcast: false
            )
        case .resolvedNotice:
            let what: Card.Text = inThread ? "\(strong: incident.id) resolved" : "\(strong: incident.id) (\(incident.title)) resolved"
            let by: Card.Text = incident.resolvedBy.map { " by \(actor: $0)" } ?? ""
            let note: Card.Text = incident.resolutionNote.map { ": \($0)" } ?? ""
            return .message("✅ \(what)\(by)\(note)", broadcast: true)
        case .published:
            guard let publication = incident.publication else { return .none }
            return .message(
                "📣 The status page now shows \(strong: "\(publication.name): \(publication.impact)") — “\(publication.text)” (published by \(actor: publication.publishedBy)).",
                broadcast: false
            )
        case .deliveryProblem(let text):
            return .message("⚠️ \(incident.id): \(text)", broadcast: true)
        case .chainStopped(let reason):
            return .message("\(incident.id): \(describe(reason)).", broadcast: false)
        case .postmortemSummary(let text):
            return .message(Card.Text(text), broadcast: false)
        case .pageTrigger, .pageResolve:
            return .none
        }
    }

    public static func describe(_ reason: EscalationReason) -> Card.Text {
        switch reason {
        case .declared: "incident declared"
        case .notHandled(let seconds, let runsWhile):
            "not \(runsWhile == .unresolved ? "resolved" : "acknowledged") after \(RunbookDuration(seconds: seconds))"
        case .byHand(let actor): "escalated by hand by \(actor: actor)"
        case .repeated(let number, let times, let missed):
            "still open: repeat \(number)\(times.map { " of \($0)" } ?? "")\(missed > 0 ? " (\(missed) more fell due while the bot was down)" : "")"
        case .recorded(let text): Card.Text(text)
        }
    }

    public static func describe(_ reason: ChainStopReason) -> Card.Text {
        switch reason {
        case .acknowledged(let actor): "acknowledged by \(actor: actor): escalation stops (this runbook escalates while unacknowledged)"
        case .lastLevelReached: "last escalation level reached; the chain stops here"
        case .repeatsDone: "last escalation level repeated as configured; the chain stops here"
        case .recorded(let text): Card.Text(text)
        }
    }

    /// Everyone the critical path pings: every level, the critical targets, and the page
    /// target when it stands for a rotation (so the person paged is named too), each once.
    static func criticalTargets(_ incident: Incident) -> [NotifyTarget] {
        let page = incident.policy.critical?.page.flatMap { $0.rotation == nil ? nil : $0 }
        let everyone = incident.policy.levels.flatMap(\.targets) + (incident.policy.critical?.targets ?? []) + [page].compactMap { $0 }
        var seen = Set<String>()
        return everyone.filter { seen.insert($0.contactID).inserted }
    }

    /// A target naming a rotation: whoever its answer reached (in a gap, saying so), then
    /// the contact's own details if it has any. Other targets as `reach(_:)`.
    static func reach(_ target: NotifyTarget, onCall answers: [OnCallAnswer], times: TimeFormatter) -> Card.Text {
        guard let rotation = target.rotation, let answer = answers.first(where: { $0.rotationID == rotation }) else {
            return reach(target)
        }
        var text: Card.Text
        if answer.isGap {
            let fallback = answer.fallback.map(reach).joined(separator: " ")
            text = "nobody is on call for \(answer.rotationName), so its participants: \(fallback)"
        } else {
            let until = answer.until.map { " until \(times.format($0))" } ?? ""
            text = "\(answer.onCall.map(reach).joined(separator: " ")) (on call for \(answer.rotationName)\(until))"
        }
        if let note = answer.note { text = "\(text) (\(note))" }
        if target.hasFixedDetails { text = "\(text) \(reach(target))" }
        return text
    }

    /// A mention where the contact has a chat address; else their name and how to reach them.
    static func reach(_ target: NotifyTarget) -> Card.Text {
        switch target.chat {
        case .user, .userGroup, .channel: return "\(mention: target.chat!)"
        case .channelName, .handle: return "\(target.name) (\(mention: target.chat!))"
        case nil: break
        }
        if let email = target.email { return "\(target.name) (\(email))" }
        if let url = target.pagerDutyURL { return Card.Text([.plain("\(target.name) ("), .link("PagerDuty", url: url), .plain(")")]) }
        return Card.Text(target.name)
    }

    /// The immediate actions, numbered, each command in a code block.
    static func actions(_ incident: Incident) -> Card.Text {
        guard !incident.immediateActions.isEmpty else { return "" }
        var text: Card.Text = "\n\(strong: "Immediate actions:")"
        for (index, action) in incident.immediateActions.enumerated() {
            text = "\(text)\n\(index + 1). \(action.text)"
            if let command = action.command {
                text = "\(text)\n"
                text.spans.append(.codeBlock(command))
            }
        }
        return text
    }
}
