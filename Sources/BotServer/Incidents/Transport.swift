import Incidents
import Logging
import Slack

/// Delivers one outbox message. The live transport talks to Slack and PagerDuty; the
/// console transport (local mode, no `SLACK_BOT_TOKEN`) logs what would be sent.
protocol Transport: Sendable {
    func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome
}

struct LiveTransport: Transport {
    let slack: SlackWebAPI?
    let pagerDuty: PagerDutyEvents?
    let console: ConsoleTransport
    let times: TimeFormatter

    /// Posts a message that is not tied to an incident (an answer to a mention).
    func post(_ post: IncidentMessages.Post) async -> DeliveryOutcome {
        guard let slack else {
            console.logger.notice("[local mode: not sent] post to #\(post.channel)\(post.threadTS.map { " thread \($0)" } ?? ""): \(post.text)")
            return .delivered(ts: nil)
        }
        return await slack.send(post)
    }

    func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome {
        switch message.delivery.destination {
        case .pagerDuty:
            guard let pagerDuty else { return await console.deliver(message, incident: incident) }
            return await pagerDuty.send(message.delivery.effect, incident: incident)
        case .incidentChannel, .statusChannel:
            guard let slack else { return await console.deliver(message, incident: incident) }
            do {
                return await slack.send(try IncidentMessages.post(for: message.delivery, incident: incident, times: times))
            } catch {
                return .failed(reason: error.description)
            }
        }
    }
}

struct ConsoleTransport: Transport {
    let logger: Logger
    let times: TimeFormatter

    func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome {
        switch message.delivery.destination {
        case .pagerDuty:
            let action = message.delivery.effect == .pageTrigger ? "trigger" : "resolve"
            logger.notice("[local mode: not sent] PagerDuty \(action) dedup_key=\(incident.id)")
            return .delivered(ts: nil)
        case .incidentChannel, .statusChannel:
            var local = incident
            // Local mode has no real thread: make one up so thread replies can be shown.
            if local.threadTS == nil { local.threadTS = "local.\(incident.number)" }
            guard let post = try? IncidentMessages.post(for: message.delivery, incident: local, times: times) else {
                return .failed(reason: "nothing to show")
            }
            let place = post.threadTS.map { "#\(post.channel) thread \($0)" } ?? "#\(post.channel)"
            let verb = post.method == .update ? "update card in" : "post to"
            logger.notice("[local mode: not sent] \(verb) \(place): \(post.text)")
            // The card's made-up ts becomes the incident's thread, as a real one would.
            let cardTS = message.delivery == Delivery(.postCard, to: .incidentChannel) ? local.threadTS : nil
            return .delivered(ts: cardTS)
        }
    }
}
