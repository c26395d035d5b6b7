import Foundation

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
                lines.append("")
            case "actions":
                lines.append((block.buttons ?? []).map { "[ \($0.text.text) ]" }.joined(separator: " "))
                lines.append("")
            case "divider":
                lines.append(String(repeating: "-", count: 40))
            default:
                lines.append("[\(block.type) block]")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// mrkdwn to plain text: bold markers and emoji codes dropped, code blocks indented
    /// with the first line of each shown as a prompt, links showing their address.
    static func readable(_ mrkdwn: String) -> String {
        var out: [String] = []
        var inCode = false
        for line in mrkdwn.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            let fences = text.components(separatedBy: "```").count - 1
            if fences > 0 {
                let opening = !inCode
                text = text.replacingAll("```", with: "")
                inCode = (fences % 2 == 1) ? !inCode : inCode
                out.append(unescape((opening ? "    $ " : "      ") + text))
                continue
            }
            if inCode {
                out.append(unescape("      " + text))
                continue
            }
            for code in [":red_circle: ", ":large_orange_circle: ", ":large_yellow_circle: ", ":white_circle: ", ":scissors: "] {
                text = text.replacingAll(code, with: "")
            }
            out.append(unescape(text.replacingAll("*", with: "")))
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
