/// Renders a card as plain text: for the terminal, and for Slack's notification `text`.
public enum PlainTextRenderer {
    public static func render(_ card: Card) -> String {
        var lines: [String] = [card.title]
        var subtitle = card.severity.map { "[\($0.label)]" } ?? ""
        if let text = card.subtitle?.description { subtitle += subtitle.isEmpty ? text : " \(text)" }
        if !subtitle.isEmpty { lines.append(subtitle) }
        for section in card.sections {
            lines.append("")
            if let heading = section.heading {
                lines.append(heading)
                lines.append(String(repeating: "-", count: heading.count))
            }
            for item in section.items { render(item, indent: "", into: &lines) }
        }
        if !card.footer.isEmpty {
            lines.append("")
            lines.append(card.footer.joined(separator: " · "))
        }
        return lines.joined(separator: "\n")
    }

    private static func render(_ item: Card.Item, indent: String, into lines: inout [String]) {
        switch item {
        case .text(let text):
            lines.append(indent + text.description)
        case .field(let label, let value):
            lines.append("\(indent)\(label): \(value)")
        case .bullet(let text):
            lines.append("\(indent)- \(text)")
        case .step(let number, let text, let children):
            lines.append("\(indent)\(number). \(text)")
            for child in children { render(child, indent: indent + "   ", into: &lines) }
        case .command(let command):
            for (index, line) in command.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                lines.append(index == 0 ? "\(indent)  $ \(line)" : "\(indent)    \(line)")
            }
        case .link(let text, let url):
            lines.append("\(indent)\(text): \(url)")
        case .hint(let text, let command):
            lines.append("\(indent)\(text) → \(command)")
        }
    }
}
