/// Shows a Slack message in a terminal roughly as Slack would: for `runbook-bot send`.
public enum TerminalRenderer {
    public static func render(_ message: SlackMessage) -> String {
        var lines: [String] = []
        switch message.responseType {
        case .inChannel: lines.append("── posted in the channel ──")
        default: lines.append("── only visible to you ──")
        }
        guard let blocks = message.blocks, !blocks.isEmpty else {
            lines.append(unescape(message.text))
            return lines.joined(separator: "\n")
        }
        for block in blocks {
            switch block.type {
            case "header":
                let title = block.text?.text ?? ""
                lines.append(title)
                lines.append(String(repeating: "=", count: min(title.count, 72)))
            case "section":
                lines.append(readable(block.text?.text ?? ""))
                lines.append("")
            case "context":
                lines.append((block.elements ?? []).map { readable($0.text) }.joined(separator: "  "))
            case "divider":
                lines.append(String(repeating: "-", count: 40))
            default:
                lines.append("[\(block.type) block]")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// mrkdwn to plain text: code fences become indented lines, links show their address.
    static func readable(_ mrkdwn: String) -> String {
        var out: [String] = []
        for line in mrkdwn.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            if let fence = text.firstRange(of: "```") {
                let indent = text[..<fence.lowerBound]
                text = String(indent) + "    $ " + String(text[fence.upperBound...]).replacingAll("```", with: "")
            }
            text = text.replacingAll("```", with: "")
            out.append(unescape(text))
        }
        return out.joined(separator: "\n")
    }

    static func unescape(_ text: String) -> String {
        text.replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">").replacingAll("&amp;", with: "&")
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
