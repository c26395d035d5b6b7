import Incidents
import RunbookModel

/// A `chat.postMessage` or `chat.update` call.
public struct SlackPost: Sendable, Equatable, Encodable {
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
}

/// How an outbox delivery becomes a Slack call: which channel and thread, post or update,
/// and the incident's neutral notice rendered as Block Kit and mrkdwn.
public enum SlackIncidentPosts {
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

    public static func post(for delivery: Delivery, incident: Incident, times: TimeFormatter) throws(Problem) -> SlackPost {
        let channel: String
        let place: IncidentNotice.Place
        switch delivery.destination {
        case .incidentChannel:
            channel = incident.channel
            place = .thread
        case .statusChannel(let status):
            channel = status
            place = .statusChannel
        case .pagerDuty:
            throw .notForSlack
        }
        switch IncidentNotice.notice(for: delivery.effect, incident: incident, place: place, times: times) {
        case .card(let card):
            let message = CardRenderer.message(for: card, responseType: nil)
            guard delivery.effect == .updateCard else {
                return SlackPost(method: .postMessage, channel: channel, text: message.text, blocks: message.blocks)
            }
            guard let ts = incident.threadTS else { throw .cardNotPosted }
            return SlackPost(method: .update, channel: channel, text: message.text, blocks: message.blocks, ts: ts)
        case .message(let text, let broadcast):
            let rendered = SlackMarkup.render(text)
            guard place == .thread else { return SlackPost(method: .postMessage, channel: channel, text: rendered) }
            guard let ts = incident.threadTS else { throw .cardNotPosted }
            return SlackPost(method: .postMessage, channel: channel, text: rendered, threadTS: ts, broadcast: broadcast)
        case .none:
            throw .notForSlack
        }
    }
}
