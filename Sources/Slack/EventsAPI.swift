/// A request from Slack's Events API: `url_verification` when the URL is set up, then
/// `event_callback`s. Also the payload of a Socket Mode `events_api` envelope.
public struct EventsAPIRequest: Decodable, Sendable, Equatable {
    public struct Event: Decodable, Sendable, Equatable {
        public var type: String
        public var channel: String?
        public var ts: String?
        public var threadTS: String?
        public var text: String?

        enum CodingKeys: String, CodingKey {
            case type, channel, ts, text
            case threadTS = "thread_ts"
        }
    }

    public var type: String
    public var challenge: String?
    public var eventID: String?
    public var event: Event?

    enum CodingKeys: String, CodingKey {
        case type, challenge, event
        case eventID = "event_id"
    }
}

/// The answer to `url_verification`.
public struct EventsAPIChallengeReply: Encodable, Sendable {
    public var challenge: String

    public init(challenge: String) {
        self.challenge = challenge
    }
}
