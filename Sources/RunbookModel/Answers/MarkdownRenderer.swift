/// Renders a card as Markdown: for documents that leave chat (a postmortem pasted into a
/// doc or a pull request). Mentions are written as their ids, since outside chat nothing
/// resolves them.
public enum MarkdownRenderer {
    public static func render(_ card: Card) -> String {
        var lines: [String] = ["# \(escape(card.title))"]
        if let subtitle = card.subtitle { lines += ["", "_\(inline(subtitle))_"] }
        for section in card.sections {
            lines.append("")
            if let heading = section.heading { lines += ["## \(escape(heading))", ""] }
            for item in section.items { render(item, indent: "", into: &lines) }
        }
        if !card.footer.isEmpty { lines += ["", "---", card.footer.map(escape).joined(separator: " · ")] }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func render(_ item: Card.Item, indent: String, into lines: inout [String]) {
        switch item {
        case .text(let text): lines.append(indent + inline(text))
        case .field(let label, let value): lines.append("\(indent)- **\(escape(label))**: \(inline(value))")
        case .bullet(let text): lines.append("\(indent)- \(inline(text))")
        case .step(let number, let text, let children):
            lines.append("\(indent)\(number). \(inline(text))")
            for child in children { render(child, indent: indent + "   ", into: &lines) }
        case .command(let command): lines += ["\(indent)```", indent + command, "\(indent)```"]
        case .link(let text, let url): lines.append("\(indent)- [\(escape(text))](\(url))")
        case .hint(let text, let command): lines.append("\(indent)- \(escape(text)): `\(command)`")
        }
    }

    static func inline(_ text: Card.Text) -> String {
        text.spans.map { span in
            switch span {
            case .plain(let plain): escape(plain)
            case .strong(let strong): "**\(escape(strong))**"
            case .code(let code): "`\(code.replacingOccurrences(of: "`", with: "'"))`"
            case .codeBlock(let code): "\n```\n\(code)\n```\n"
            case .mention(let address): escape(address.description)
            case .link(let label, let url): "[\(escape(label))](\(url))"
            }
        }.joined()
    }

    /// Characters that would start Markdown formatting are escaped, so text reads as typed.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\`*_[]<>#|".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
