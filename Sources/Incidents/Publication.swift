import RunbookModel

/// What an incident shows on the public status page. Nothing reaches the page unless
/// someone published it with `/incident publish`; internal titles, updates and channels
/// never do.
public struct Publication: Codable, Hashable, Sendable {
    /// The affected system's title from its runbook, not the incident's internal title.
    public var name: String
    /// How bad it is, in words a customer reads: derived from the severity.
    public var impact: String
    /// The last text published.
    public var text: String
    public var publishedAt: Timestamp
    public var publishedBy: String

    public init(name: String, impact: String, text: String, publishedAt: Timestamp, publishedBy: String) {
        self.name = name
        self.impact = impact
        self.text = text
        self.publishedAt = publishedAt
        self.publishedBy = publishedBy
    }

    /// The impact word for a severity.
    public static func impact(of severity: IncidentSeverity) -> String {
        switch severity {
        case .critical: "Major outage"
        case .sev1: "Partial outage"
        case .sev2: "Degraded performance"
        case .sev3, .sev4: "Minor issue"
        }
    }

    /// Longest text the page accepts; a status note, not a postmortem.
    public static let maximumLength = 1_000

    /// Why `text` may not go on a public page, or nil when it may. Refuses mentions and
    /// anything shaped like a chat id or an IPv4 address: those are internal by nature,
    /// and a typo in a public message cannot be taken back.
    public static func problem(with text: String) -> String? {
        if text.count > maximumLength { return "the text is longer than \(maximumLength) characters" }
        for marker in ["<@", "<!", "<#"] where text.contains(marker) {
            return "the text mentions a person, group or channel (\(marker)…>)"
        }
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "." })
        for word in words {
            let trimmed = word.trimmingSuffix(".")
            if looksLikeChatID(trimmed) { return "“\(trimmed)” looks like a chat id" }
            if looksLikeIPv4(trimmed) { return "“\(trimmed)” looks like an IP address" }
        }
        return nil
    }

    /// Slack's user, group, channel, bot and team ids: an upper-case letter from that set
    /// then at least seven more upper-case letters and digits, at least one a digit
    /// (`U024BE7LH`, `C0123ABCD`). Words like "DATABASES" have no digit and pass.
    static func looksLikeChatID(_ word: Substring) -> Bool {
        guard word.count >= 8, word.count <= 15, let first = word.first, "UWSCGDBT".contains(first) else { return false }
        return word.allSatisfy { ($0.isUppercase && $0.isASCII) || ($0.isNumber && $0.isASCII) } && word.contains(where: \.isNumber)
    }

    static func looksLikeIPv4(_ word: Substring) -> Bool {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            part.count >= 1 && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: Character) -> Substring {
        var word = self
        while word.last == suffix { word = word.dropLast() }
        return word
    }
}
