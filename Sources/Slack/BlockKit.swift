import RunbookModel

/// The subset of Slack's Block Kit the bot sends, as plain Codable values.
public struct SlackMessage: Codable, Sendable, Equatable {
    public enum ResponseType: String, Codable, Sendable {
        case ephemeral
        case inChannel = "in_channel"
    }

    public var responseType: ResponseType?
    public var text: String
    public var blocks: [Block]?
    /// For `response_url` replies: whether to replace the message the button was on.
    public var replaceOriginal: Bool?

    public init(
        responseType: ResponseType? = nil, text: String, blocks: [Block]? = nil, replaceOriginal: Bool? = nil
    ) {
        self.responseType = responseType
        self.text = text
        self.blocks = blocks
        self.replaceOriginal = replaceOriginal
    }

    enum CodingKeys: String, CodingKey {
        case responseType = "response_type"
        case text
        case blocks
        case replaceOriginal = "replace_original"
    }
}

/// One block. Slack's blocks differ by `type`; the optional members hold what each type uses.
public struct Block: Codable, Sendable, Equatable {
    public var type: String
    public var text: TextObject?
    /// A context block's text elements.
    public var elements: [TextObject]?
    /// An actions block's buttons (sent as its `elements`).
    public var buttons: [Button]?
    /// An input block's id, label and text field. Its value comes back in `state` with any
    /// click on the message's buttons.
    public var blockID: String?
    public var label: TextObject?
    public var element: TextInput?
    public var optional: Bool?

    public init(type: String, text: TextObject? = nil, elements: [TextObject]? = nil, buttons: [Button]? = nil) {
        self.type = type
        self.text = text
        self.elements = elements
        self.buttons = buttons
    }

    public static func header(_ text: String) -> Block {
        Block(type: "header", text: TextObject(type: "plain_text", text: text, emoji: true))
    }

    public static func section(_ mrkdwn: String) -> Block {
        Block(type: "section", text: TextObject(type: "mrkdwn", text: mrkdwn))
    }

    public static func context(_ mrkdwn: [String]) -> Block {
        Block(type: "context", elements: mrkdwn.map { TextObject(type: "mrkdwn", text: $0) })
    }

    public static func actions(_ buttons: [Button]) -> Block {
        Block(type: "actions", buttons: buttons)
    }

    /// An optional one-line text field; its `id` is both the block's and the field's.
    public static func textInput(id: String, label: String, placeholder: String) -> Block {
        var block = Block(type: "input")
        block.blockID = id
        block.label = TextObject(type: "plain_text", text: label, emoji: true)
        block.element = TextInput(actionID: id, placeholder: TextObject(type: "plain_text", text: placeholder))
        block.optional = true
        return block
    }

    public static let divider = Block(type: "divider")

    enum CodingKeys: String, CodingKey {
        case type, text, elements, label, element, optional
        case blockID = "block_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        text = try container.decodeIfPresent(TextObject.self, forKey: .text)
        if type == "actions" {
            buttons = try container.decodeIfPresent([Button].self, forKey: .elements)
        } else {
            elements = try container.decodeIfPresent([TextObject].self, forKey: .elements)
        }
        blockID = try container.decodeIfPresent(String.self, forKey: .blockID)
        label = try container.decodeIfPresent(TextObject.self, forKey: .label)
        element = try container.decodeIfPresent(TextInput.self, forKey: .element)
        optional = try container.decodeIfPresent(Bool.self, forKey: .optional)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(text, forKey: .text)
        if let buttons {
            try container.encode(buttons, forKey: .elements)
        } else {
            try container.encodeIfPresent(elements, forKey: .elements)
        }
        try container.encodeIfPresent(blockID, forKey: .blockID)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encodeIfPresent(element, forKey: .element)
        try container.encodeIfPresent(optional, forKey: .optional)
    }
}

/// A one-line `plain_text_input`.
public struct TextInput: Codable, Sendable, Equatable {
    public var type = "plain_text_input"
    public var actionID: String
    public var placeholder: TextObject?
    public var maxLength: Int?

    public init(actionID: String, placeholder: TextObject?, maxLength: Int? = 500) {
        self.actionID = actionID
        self.placeholder = placeholder
        self.maxLength = maxLength
    }

    enum CodingKeys: String, CodingKey {
        case type, placeholder
        case actionID = "action_id"
        case maxLength = "max_length"
    }
}

/// A button in an actions block. Its `actionID` and `value` come back in the interaction.
public struct Button: Codable, Sendable, Equatable {
    public var type = "button"
    public var text: TextObject
    public var actionID: String
    public var value: String
    /// `primary` (green) or `danger` (red); nil for the default.
    public var style: String?

    public init(_ button: Card.Button) {
        self.init(button.label, actionID: button.action, value: button.value, style: button.style?.rawValue)
    }

    public init(_ label: String, actionID: String, value: String, style: String? = nil) {
        self.text = TextObject(type: "plain_text", text: label, emoji: true)
        self.actionID = actionID
        self.value = value
        self.style = style
    }

    enum CodingKeys: String, CodingKey {
        case type, text, value, style
        case actionID = "action_id"
    }
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
