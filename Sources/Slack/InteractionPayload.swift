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
    /// The message's text fields at the click, by block id: `state.values`.
    public var fields: [String: String]

    public init(type: String, userID: String?, channelID: String?, responseURL: String?, actions: [Action], fields: [String: String] = [:]) {
        self.type = type
        self.userID = userID
        self.channelID = channelID
        self.responseURL = responseURL
        self.actions = actions
        self.fields = fields
    }

    private struct Identified: Decodable { var id: String? }
    private struct Container: Decodable {
        var channelID: String?
        enum CodingKeys: String, CodingKey { case channelID = "channel_id" }
    }

    /// `{"values": {block id: {action id: {"type": …, "value": …}}}}`; only text values are kept.
    private struct State: Decodable {
        struct Value: Decodable { var value: String? }
        var values: [String: [String: Value]]?
    }

    /// A message has a handful of fields; more is not a message the bot sent.
    static let fieldLimit = 20

    enum CodingKeys: String, CodingKey {
        case type, user, channel, container, actions, state
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
        // A state that is not what Slack sends loses the fields, not the click.
        let values = ((try? container.decodeIfPresent(State.self, forKey: .state)) ?? nil)?.values ?? [:]
        var fields: [String: String] = [:]
        for (blockID, elements) in values.prefix(Self.fieldLimit) {
            if let text = elements[blockID]?.value ?? elements.first?.value.value { fields[blockID] = text }
        }
        self.fields = fields
    }

    /// One click, with who and where: what the bot acts on.
    public struct Click: Sendable, Equatable {
        public var user: String
        public var channel: String
        public var responseURL: String?
        public var actionID: String
        public var value: String
        public var actionTS: String
        /// The message's text fields at the click, by id.
        public var fields: [String: String]

        public init(
            user: String, channel: String, responseURL: String?, actionID: String, value: String, actionTS: String, fields: [String: String] = [:]
        ) {
            self.user = user
            self.channel = channel
            self.responseURL = responseURL
            self.actionID = actionID
            self.value = value
            self.actionTS = actionTS
            self.fields = fields
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
                actionTS: action.actionTS ?? "", fields: fields
            )
        }
    }
}
