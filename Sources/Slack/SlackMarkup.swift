import Foundation
import RunbookModel

/// Slack's mrkdwn: how neutral text becomes what Slack shows. Mentions become `<@U…>`,
/// `<!subteam^S…>` and `<#C…>`; everything typed by people is escaped.
public enum SlackMarkup {
    public static func render(_ text: Card.Text) -> String {
        var out = ""
        for span in text.spans {
            switch span {
            case .plain(let plain): out += plain.slackEscapedKeepingMentions
            case .strong(let strong): out += "*\(strong.slackEscaped)*"
            case .code(let code): out += "`\(code.slackEscaped)`"
            case .codeBlock(let code): out += "```\(code.slackEscaped)```"
            case .mention(let address): out += mention(address)
            case .link(let label, let url): out += link(label, url: url)
            }
        }
        return out
    }

    /// A real mention for ids; names that are not ids are shown as text.
    public static func mention(_ address: ChatAddress) -> String {
        switch address {
        case .user(let id): "<@\(id)>"
        case .userGroup(let id): "<!subteam^\(id)>"
        case .channel(let id): "<#\(id)>"
        case .channelName(let name): "#\(name.slackEscaped)"
        case .handle(let name): "@\(name.slackEscaped)"
        }
    }

    /// `<url|label>`, unless the url could break out of the link syntax.
    public static func link(_ label: String, url: String) -> String {
        url.contains("|") || url.contains(">") || url.contains("<") ? url.slackEscaped : "<\(url)|\(label.slackEscaped)>"
    }

    /// "<@U0BOT> ConditionalCheckFailedException" → "ConditionalCheckFailedException".
    public static func withoutMentions(_ text: String) -> String {
        var result = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "<") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[open...]
                break
            }
            let inner = rest[rest.index(after: open)..<close]
            if !inner.hasPrefix("@") { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
