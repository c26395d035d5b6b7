import Incidents
import Logging
import PagerDuty
import Slack

/// Delivers one outbox message. The live transport talks to Slack and PagerDuty; the
/// console transport (local mode, no `SLACK_BOT_TOKEN`) logs what would be sent.
protocol Transport: Sendable {
    func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome
}

struct LiveTransport: Transport {
    /// The Web API and the bot token; nil in local mode.
    let slack: (api: SlackWebAPI, token: String)?
    let pagerDuty: PagerDutyEvents?
    let console: ConsoleTransport
    let times: TimeFormatter

    /// Posts a message that is not tied to an incident (an answer to a mention).
    func post(_ post: SlackPost) async -> DeliveryOutcome {
        guard let slack else {
            let verb = post.method == .update ? "update message \(post.ts ?? "") in" : "post to"
            console.logger.notice("[local mode: not sent] \(verb) #\(post.channel)\(post.threadTS.map { " thread \($0)" } ?? ""): \(post.text)")
            return .delivered(messageID: nil)
        }
        return Self.outcome(await slack.api.send(post, token: slack.token))
    }

    func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome {
        switch message.delivery.destination {
        case .pagerDuty:
            guard let pagerDuty else { return await console.deliver(message, incident: incident) }
            return await pagerDuty.send(message.delivery.effect, incident: incident)
        case .incidentChannel, .statusChannel:
            guard slack != nil else { return await console.deliver(message, incident: incident) }
            do {
                return await post(try SlackIncidentPosts.post(for: message.delivery, incident: incident, times: times))
            } catch {
                return .failed(reason: error.description)
            }
        }
    }

    static func outcome(_ result: WebAPIResult<SlackWebAPI.PostedMessage>) -> DeliveryOutcome {
        outcome(result) { $0.ts }
    }

    /// `messageID` reads the posted message's id from an answer that has one.
    static func outcome<Body>(_ result: WebAPIResult<Body>, messageID: (Body) -> String? = { _ in nil }) -> DeliveryOutcome {
        switch result {
        case .ok(let body): .delivered(messageID: messageID(body))
        case .rateLimited(let retryAfter): .retry(after: retryAfter, reason: "rate limited by Slack")
        case .retryable(let reason): .retry(after: nil, reason: reason)
        case .final(let reason): .failed(reason: reason)
        }
    }
}

extension LiveTransport: CustomStringConvertible {
    var description: String { "LiveTransport" }
}

struct ConsoleTransport: Transport {
    let logger: Logger
    let times: TimeFormatter

    func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome {
        switch message.delivery.destination {
        case .pagerDuty:
            let action = message.delivery.effect == .pageTrigger ? "trigger" : "resolve"
            logger.notice("[local mode: not sent] PagerDuty \(action) dedup_key=\(incident.dedupKey)")
            return .delivered(messageID: nil)
        case .incidentChannel, .statusChannel:
            var local = incident
            // Local mode has no real thread: make one up so thread replies can be shown.
            if local.threadTS == nil { local.threadTS = "local.\(incident.number)" }
            guard let post = try? SlackIncidentPosts.post(for: message.delivery, incident: local, times: times) else {
                return .failed(reason: "nothing to show")
            }
            let place = post.threadTS.map { "#\(post.channel) thread \($0)" } ?? "#\(post.channel)"
            let verb = post.method == .update ? "update card in" : "post to"
            logger.notice("[local mode: not sent] \(verb) \(place): \(post.text)")
            // The card's made-up ts becomes the incident's thread, as a real one would.
            let cardTS = message.delivery == Delivery(.postCard, to: .incidentChannel) ? local.threadTS : nil
            return .delivered(messageID: cardTS)
        }
    }
}
