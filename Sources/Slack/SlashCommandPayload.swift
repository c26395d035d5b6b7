/// The fields of a slash-command request that the bot uses: a signed form over HTTP, or a
/// JSON object inside a Socket Mode envelope.
public struct SlashCommandPayload: Sendable, Equatable, Decodable {
    public var command: String
    public var text: String
    public var userID: String
    public var userName: String?
    public var channelID: String?
    public var channelName: String?
    public var teamID: String?
    public var responseURL: String?
    public var triggerID: String?

    public init(
        command: String, text: String, userID: String, userName: String? = nil, channelID: String? = nil,
        channelName: String? = nil, teamID: String? = nil, responseURL: String? = nil, triggerID: String? = nil
    ) {
        self.command = command
        self.text = text
        self.userID = userID
        self.userName = userName
        self.channelID = channelID
        self.channelName = channelName
        self.teamID = teamID
        self.responseURL = responseURL
        self.triggerID = triggerID
    }

    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case missingField(String)

        public var description: String {
            switch self {
            case .missingField(let name): "missing field '\(name)'"
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case command, text
        case userID = "user_id", userName = "user_name", channelID = "channel_id", channelName = "channel_name"
        case teamID = "team_id", responseURL = "response_url", triggerID = "trigger_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var fields: [String: String] = [:]
        for key in [CodingKeys.command, .text, .userID, .userName, .channelID, .channelName, .teamID, .responseURL, .triggerID] {
            fields[key.rawValue] = try? container.decodeIfPresent(String.self, forKey: key)
        }
        try self.init(fields: fields)
    }

    /// Reads the form fields Slack (and Mattermost) send; `text` may be absent or empty.
    public init(fields: [String: String]) throws(DecodingError) {
        guard let command = fields["command"], command.hasPrefix("/"), command.count > 1 else {
            throw .missingField("command")
        }
        guard let userID = fields["user_id"], !userID.isEmpty else { throw .missingField("user_id") }
        self.init(
            command: command, text: fields["text"] ?? "", userID: userID, userName: fields["user_name"],
            channelID: fields["channel_id"], channelName: fields["channel_name"], teamID: fields["team_id"],
            responseURL: fields["response_url"], triggerID: fields["trigger_id"]
        )
    }
}
