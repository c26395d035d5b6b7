/// The subset of Slack's Block Kit the bot sends, as plain Codable values.
public struct SlackMessage: Codable, Sendable, Equatable {
    public enum ResponseType: String, Codable, Sendable {
        case ephemeral
        case inChannel = "in_channel"
    }

    public var responseType: ResponseType?
    public var text: String
    public var blocks: [Block]?
    public var threadTS: String?

    public init(responseType: ResponseType? = nil, text: String, blocks: [Block]? = nil, threadTS: String? = nil) {
        self.responseType = responseType
        self.text = text
        self.blocks = blocks
        self.threadTS = threadTS
    }

    enum CodingKeys: String, CodingKey {
        case responseType = "response_type"
        case text
        case blocks
        case threadTS = "thread_ts"
    }
}

/// One block. Slack's blocks differ by `type`; the optional members hold what each type uses.
public struct Block: Codable, Sendable, Equatable {
    public var type: String
    public var text: TextObject?
    public var elements: [TextObject]?

    public static func header(_ text: String) -> Block {
        Block(type: "header", text: TextObject(type: "plain_text", text: text, emoji: true))
    }

    public static func section(_ mrkdwn: String) -> Block {
        Block(type: "section", text: TextObject(type: "mrkdwn", text: mrkdwn))
    }

    public static func context(_ mrkdwn: [String]) -> Block {
        Block(type: "context", elements: mrkdwn.map { TextObject(type: "mrkdwn", text: $0) })
    }

    public static let divider = Block(type: "divider")
}

public struct TextObject: Codable, Sendable, Equatable {
    public var type: String
    public var text: String
    public var emoji: Bool?

    public init(type: String, text: String, emoji: Bool? = nil) {
        self.type = type
        self.text = text
        self.emoji = emoji
    }
}

public enum SlackLimits {
    public static let blocksPerMessage = 50
    public static let sectionText = 3000
    public static let headerText = 150
    public static let contextElements = 10
    /// Slack truncates longer `text`; ours only carries the notification and fallback.
    public static let fallbackText = 3000
}

extension String {
    /// Escapes the three characters Slack's mrkdwn treats as control characters.
    public var slackEscaped: String {
        guard utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) else {
            return self
        }
        var out = ""
        out.reserveCapacity(utf8.count + 16)
        for character in unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
