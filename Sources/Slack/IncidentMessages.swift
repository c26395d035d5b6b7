import Incidents
import RunbookModel

/// What the bot posts to Slack for each incident effect.
public enum IncidentMessages {
    /// A `chat.postMessage` or `chat.update` call.
    public struct Post: Sendable, Equatable, Encodable {
        public enum Method: String, Sendable { case postMessage = "chat.postMessage", update = "chat.update" }

        public var method: Method
        public var channel: String
        public var text: String
        public var blocks: [Block]?
        public var threadTS: String?
        /// Also show a thread reply in the channel (level changes, resolution).
        public var broadcast: Bool
        /// The message to replace, for `chat.update`.
        public var ts: String?

        enum CodingKeys: String, CodingKey {
            case channel, text, blocks, ts
            case threadTS = "thread_ts"
            case broadcast = "reply_broadcast"
        }

        /// The call's JSON body; `method` is the URL, not part of it.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(channel, forKey: .channel)
            try container.encode(text, forKey: .text)
            try container.encodeIfPresent(blocks, forKey: .blocks)
            try container.encodeIfPresent(threadTS, forKey: .threadTS)
            if broadcast { try container.encode(true, forKey: .broadcast) }
            try container.encodeIfPresent(ts, forKey: .ts)
        }

        public init(
            method: Method, channel: String, text: String, blocks: [Block]? = nil, threadTS: String? = nil,
            broadcast: Bool = false, ts: String? = nil
        ) {
            self.method = method
            self.channel = channel
            self.text = text
            self.blocks = blocks
            self.threadTS = threadTS
            self.broadcast = broadcast
            self.ts = ts
        }
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case cardNotPosted
        case notForSlack

        public var description: String {
            switch self {
            case .cardNotPosted: "the incident card was never posted, so there is no thread or card to use"
            case .notForSlack: "not a Slack delivery"
            }
        }
    }

    public static func post(for delivery: Delivery, incident: Incident, times: TimeFormatter) throws(Problem) -> Post {
        let channel: String
        var inThread: Bool
        switch delivery.destination {
        case .incidentChannel:
            channel = incident.channel
            inThread = true
        case .statusChannel(let status):
            channel = status
            inThread = false
        case .pagerDuty:
            throw .notForSlack
        }
        func thread(_ text: String, broadcast: Bool = false) throws(Problem) -> Post {
            guard inThread else { return Post(method: .postMessage, channel: channel, text: text, threadTS: nil, broadcast: false) }
            guard let ts = incident.threadTS else { throw .cardNotPosted }
            return Post(method: .postMessage, channel: channel, text: text, threadTS: ts, broadcast: broadcast)
        }

        switch delivery.effect {
        case .postCard:
            let card = self.card(incident, times: times)
            return Post(method: .postMessage, channel: channel, text: card.text, blocks: card.blocks, broadcast: false)
        case .updateCard:
            guard let ts = incident.threadTS else { throw .cardNotPosted }
            let card = self.card(incident, times: times)
            return Post(method: .update, channel: channel, text: card.text, blocks: card.blocks, broadcast: false, ts: ts)
        case .notifyLevel(let number, let reason):
            let level = incident.policy.levels.first { $0.level == number }
            let people = (level?.targets ?? []).map(mention).joined(separator: " ")
            var text = ":rotating_light: *\(incident.id)* escalated to *level \(number)\(level.map { " (\($0.name.slackEscaped))" } ?? "")*: \(reason.slackEscaped)\n\(people)"
            text += actions(incident)
            return try thread(text, broadcast: number > 1)
        case .notifyCritical:
            let everyone = incident.policy.levels.flatMap(\.targets) + (incident.policy.critical?.targets ?? [])
            var seen = Set<String>()
            let people = everyone.filter { seen.insert($0.contactID).inserted }.map(mention).joined(separator: " ")
            let steps = (incident.policy.critical?.actions ?? []).map { "• \($0.slackEscaped)" }.joined(separator: "\n")
            var text = ":red_circle: *CRITICAL \(incident.id)*: \(incident.title.slackEscaped)\n\(people)\n\(steps)"
            text += actions(incident)
            return try thread(text, broadcast: true)
        case .statusUpdate(let status):
            let prefix = inThread ? "Status update" : "*\(incident.id)* (\(incident.title.slackEscaped)) status update"
            return try thread("\(prefix): \(status.slackEscapedKeepingMentions)")
        case .reminder:
            let since = incident.lastStatusUpdateAt ?? incident.declaredAt
            return try thread(":hourglass: \(incident.id) has had no status update since \(times.format(since)). Post one with `/incident update \(incident.id) <status>`.")
        case .resolvedNotice:
            let by = incident.resolvedBy.map { " by <@\($0)>" } ?? ""
            let note = incident.resolutionNote.map { ": \($0.slackEscapedKeepingMentions)" } ?? ""
            let prefix = inThread ? ":white_check_mark: *\(incident.id)* resolved" : ":white_check_mark: *\(incident.id)* (\(incident.title.slackEscaped)) resolved"
            return try thread("\(prefix)\(by)\(note)", broadcast: true)
        case .chainStopped(let reason):
            return try thread("\(incident.id): \(reason.slackEscaped).")
        case .pageTrigger, .pageResolve:
            throw .notForSlack
        }
    }

    /// The incident card: what it is, its state and level, what to do.
    public static func card(_ incident: Incident, times: TimeFormatter) -> (text: String, blocks: [Block]) {
        var lines = [
            "*State:* \(stateText(incident))",
            "*Severity:* \(incident.severity.rawValue)",
            "*Declared:* \(times.format(incident.declaredAt)) by <@\(incident.declaredBy)>",
        ]
        if let title = incident.failureModeTitle, let id = incident.failureModeID {
            lines.append("*Runbook:* \(title.slackEscaped) → `/runbook \(id)`")
        }
        if let status = incident.lastStatusText {
            lines.append("*Latest update:* \(status.slackEscapedKeepingMentions)")
        }
        var blocks: [Block] = [
            .header(CardRenderer.cut("\(incident.id): \(incident.title)", toCharacters: SlackLimits.headerText)),
            .section(CardRenderer.cut(lines.joined(separator: "\n"), toBytes: SlackLimits.sectionText)),
        ]
        if !incident.immediateActions.isEmpty {
            blocks.append(.section(CardRenderer.cutMarkdown("*Immediate actions*" + actions(incident, heading: false), toBytes: SlackLimits.sectionText - 8)))
        }
        if incident.isOpen {
            var buttons: [Button] = []
            if incident.state == .triggered {
                buttons.append(Button("Acknowledge", actionID: IncidentDesk.CardAction.acknowledgeID, value: incident.id))
            }
            if incident.levelsReached < incident.policy.levels.count {
                buttons.append(Button(
                    "Escalate now", actionID: IncidentDesk.CardAction.escalateID,
                    value: "\(incident.id)@\(incident.levelsReached)", style: "danger"
                ))
            }
            buttons.append(Button("Resolve", actionID: IncidentDesk.CardAction.resolveID, value: incident.id, style: "primary"))
            blocks.append(.actions(buttons))
            blocks.append(.context(["`/incident update \(incident.id) <status>` · `/incident show \(incident.id)`"]))
        }
        let text = "\(incident.id): \(incident.title) — \(stateText(incident))".slackEscaped
        return (text, blocks)
    }

    static func stateText(_ incident: Incident) -> String {
        let level = "level \(incident.levelsReached) of \(incident.policy.levels.count)"
        switch incident.state {
        case .triggered: return ":red_circle: triggered, \(level)"
        case .acknowledged: return ":large_yellow_circle: acknowledged by <@\(incident.acknowledgedBy ?? "?")>, \(level)"
        case .resolved: return ":white_check_mark: resolved by <@\(incident.resolvedBy ?? "?")>"
        }
    }

    static func mention(_ target: NotifyTarget) -> String {
        if let slack = target.slack { return slack.hasPrefix("<") ? slack : "\(target.name.slackEscaped) (\(slack.slackEscaped))" }
        if let email = target.email { return "\(target.name.slackEscaped) (\(email))" }
        if let url = target.pagerDutyURL { return "\(target.name.slackEscaped) (<\(url)|PagerDuty>)" }
        return target.name.slackEscaped
    }

    static func actions(_ incident: Incident, heading: Bool = true) -> String {
        guard !incident.immediateActions.isEmpty else { return "" }
        let steps = incident.immediateActions.enumerated().map { index, action in
            let lines = action.split(separator: "\n", maxSplits: 1).map(String.init)
            let command = lines.count > 1 ? "\n```\(lines[1].slackEscaped)```" : ""
            return "\(index + 1). \(lines[0].slackEscaped)\(command)"
        }
        return (heading ? "\n*Immediate actions:*" : "") + "\n" + steps.joined(separator: "\n")
    }
}
