import RunbookModel

/// Renders a card as a Slack message: header, severity at a glance, one section block per
/// card section, small print in a context block; always inside Slack's limits.
public enum CardRenderer {
    public static func message(for card: Card, responseType: SlackMessage.ResponseType?, source: String? = nil) -> SlackMessage {
        SlackMessage(responseType: responseType, text: fallbackText(for: card), blocks: blocks(for: card, source: source))
    }

    /// The notification and fallback text: the title on the first line, then what to know
    /// at a glance (severity, kind, the card's first section). The blocks carry the rest;
    /// repeating all of it here would double every reply.
    public static func fallbackText(for card: Card) -> String {
        var summary = card
        summary.sections = Array(card.sections.prefix(1))
        summary.footer = []
        summary.buttons = []
        let escaped = PlainTextRenderer.render(summary).slackEscaped
        guard escaped.utf8.count > SlackLimits.fallbackText else { return escaped }
        return cut(escaped, toBytes: SlackLimits.fallbackText - 4) + "\n…"
    }

    public static func blocks(for card: Card, source: String? = nil) -> [Block] {
        var head: [Block] = [.header(cut(card.title, toCharacters: SlackLimits.headerText))]
        var glance: [String] = []
        if let severity = card.severity { glance.append("\(emoji(for: severity)) *\(severity.label)*") }
        if let subtitle = card.subtitle { glance.append(SlackMarkup.render(subtitle)) }
        if !glance.isEmpty { head.append(.context([glance.joined(separator: "  ·  ")])) }

        var body: [Block] = []
        for section in card.sections {
            body += sectionBlocks(section)
        }
        var tail: [Block] = card.noteField.map { [.textInput(id: $0.id, label: $0.label, placeholder: $0.placeholder)] } ?? []
        if !card.buttons.isEmpty { tail.append(.actions(card.buttons.map(Button.init))) }
        if !card.footer.isEmpty { tail.append(.context([card.footer.map(\.slackEscaped).joined(separator: " · ")])) }

        let room = SlackLimits.blocksPerMessage - head.count - tail.count
        if body.count > room {
            let kept = room - 1
            let where_ = source.map { " See `\($0.slackEscaped)` for the rest." } ?? ""
            let notice = Block.context([":scissors: Cut to fit Slack: \(body.count - kept) more blocks not shown.\(where_)"])
            body = Array(body.prefix(kept)) + [notice]
        }
        return head + body + tail
    }

    /// One or more section blocks: split between items when the text passes Slack's limit.
    static func sectionBlocks(_ section: Card.Section) -> [Block] {
        var units = section.items.map { render($0, indent: "") }
        if let heading = section.heading { units.insert("*\(heading.slackEscaped)*", at: 0) }
        var blocks: [Block] = []
        var current = ""
        for var unit in units {
            if unit.utf8.count > SlackLimits.sectionText {
                unit = cutMarkdown(unit, toBytes: SlackLimits.sectionText - 8)
            }
            if !current.isEmpty, current.utf8.count + 1 + unit.utf8.count > SlackLimits.sectionText {
                blocks.append(.section(current))
                current = ""
            }
            current += current.isEmpty ? unit : "\n" + unit
        }
        if !current.isEmpty { blocks.append(.section(current)) }
        return blocks
    }

    static func render(_ item: Card.Item, indent: String) -> String {
        switch item {
        case .text(let text):
            return indent + SlackMarkup.render(text)
        case .field(let label, let value):
            return "\(indent)*\(label.slackEscaped):* \(SlackMarkup.render(value))"
        case .bullet(let text):
            return "\(indent)• \(SlackMarkup.render(text))"
        case .step(let number, let text, let children):
            let lines = ["\(indent)*\(number).* \(SlackMarkup.render(text))"] + children.map { render($0, indent: indent + "      ") }
            return lines.joined(separator: "\n")
        case .command(let command):
            return "```\(command.slackEscaped)```"
        case .link(let text, let url):
            return "\(indent)\(text.slackEscaped): \(SlackMarkup.link(text, url: url))"
        case .hint(let text, let command):
            return "\(indent)\(text.slackEscaped) → `\(command.slackEscaped)`"
        }
    }

    static func emoji(for severity: Severity) -> String {
        switch severity {
        case .critical: ":red_circle:"
        case .high: ":large_orange_circle:"
        case .medium: ":large_yellow_circle:"
        case .low: ":white_circle:"
        }
    }

    /// Cuts text to a byte budget at a line boundary where possible, closing an open code fence.
    static func cutMarkdown(_ text: String, toBytes budget: Int) -> String {
        var cut = cut(text, toBytes: budget)
        if cut.components(separatedBy: "```").count % 2 == 0 { cut += "```" }
        return cut + "\n…"
    }

    /// Cuts text to at most `budget` UTF-8 bytes, never inside a character's encoding, and
    /// at the last line break when one falls in the second half.
    static func cut(_ text: String, toBytes budget: Int) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > budget else { return text }
        var end = budget
        while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
        if let newline = utf8[..<end].lastIndex(of: UInt8(ascii: "\n")), newline > budget / 2 {
            end = newline
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    static func cut(_ text: String, toCharacters limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
