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
        var needsEscaping = false
        for byte in utf8 where byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") {
            needsEscaping = true
            break
        }
        guard needsEscaping else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 32)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// Escapes like `slackEscaped`, but lets Slack's own mention syntax through: user
    /// (`<@U…>`), channel (`<#C…>`) and user-group (`<!subteam^S…>`) mentions of ids.
    public var slackEscapedKeepingMentions: String {
        let escaped = slackEscaped
        guard escaped.contains("&lt;") else { return escaped }
        var out = ""
        var rest = escaped[...]
        while let open = rest.firstRange(of: "&lt;") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            var prefixLength = 0
            for prefix in ["@", "#", "!subteam^"] where after.hasPrefix(prefix) { prefixLength = prefix.count }
            if prefixLength > 0, let close = after.firstRange(of: "&gt;") {
                let id = after[after.index(after.startIndex, offsetBy: prefixLength)..<close.lowerBound]
                if !id.isEmpty, id.count <= 24, id.allSatisfy({ ($0.isASCII && $0.isUppercase) || ($0.isASCII && $0.isNumber) }) {
                    out += "<" + after[..<close.lowerBound] + ">"
                    rest = after[close.upperBound...]
                    continue
                }
            }
            out += "&lt;"
            rest = after
        }
        return out + rest
    }
}
