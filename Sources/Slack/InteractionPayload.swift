/// A `block_actions` interaction: someone clicked a button. Slack posts it as the `payload`
/// field of a signed form, or inside a Socket Mode `interactive` envelope.
public struct InteractionPayload: Decodable, Sendable, Equatable {
    public struct Action: Decodable, Sendable, Equatable {
        public var actionID: String
        public var value: String?
        public var actionTS: String?

        enum CodingKeys: String, CodingKey {
            case value
            case actionID = "action_id"
            case actionTS = "action_ts"
        }
    }

    public var type: String
    public var userID: String?
    /// The channel the button's message is in.
    public var channelID: String?
    public var responseURL: String?
    public var actions: [Action]

    public init(type: String, userID: String?, channelID: String?, responseURL: String?, actions: [Action]) {
        self.type = type
        self.userID = userID
        self.channelID = channelID
        self.responseURL = responseURL
        self.actions = actions
    }

    private struct Identified: Decodable { var id: String? }
    private struct Container: Decodable {
        var channelID: String?
        enum CodingKeys: String, CodingKey { case channelID = "channel_id" }
    }

    enum CodingKeys: String, CodingKey {
        case type, user, channel, container, actions
        case responseURL = "response_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        userID = try container.decodeIfPresent(Identified.self, forKey: .user)?.id
        channelID = try container.decodeIfPresent(Identified.self, forKey: .channel)?.id
            ?? container.decodeIfPresent(Container.self, forKey: .container)?.channelID
        responseURL = try container.decodeIfPresent(String.self, forKey: .responseURL)
        actions = try container.decodeIfPresent([Action].self, forKey: .actions) ?? []
    }

    /// One click, with who and where: what the bot acts on.
    public struct Click: Sendable, Equatable {
        public var user: String
        public var channel: String
        public var responseURL: String?
        public var actionID: String
        public var value: String
        public var actionTS: String

        public init(user: String, channel: String, responseURL: String?, actionID: String, value: String, actionTS: String) {
            self.user = user
            self.channel = channel
            self.responseURL = responseURL
            self.actionID = actionID
            self.value = value
            self.actionTS = actionTS
        }

        /// What makes a click the same click when Slack delivers it again.
        public var deduplicationKey: String { "\(user)|\(actionTS)|\(actionID)|\(value)" }
    }

    /// The button clicks in a `block_actions` payload; anything else has none.
    public var clicks: [Click] {
        guard type == "block_actions", let userID else { return [] }
        return actions.compactMap { action in
            guard let value = action.value else { return nil }
            return Click(
                user: userID, channel: channelID ?? "", responseURL: responseURL, actionID: action.actionID, value: value,
                actionTS: action.actionTS ?? ""
            )
        }
    }
}
