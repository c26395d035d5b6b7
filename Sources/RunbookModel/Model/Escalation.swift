/// Who gets pulled in, and when, while an incident stays open.
public struct EscalationPolicy: Sendable {
    /// Whether the chain keeps climbing until the incident is resolved, or stops at acknowledgement.
    public var runsWhile: EscalationCondition
    public var levels: [EscalationLevel]
    /// What happens after the last level: nothing, or the last level again at an interval.
    public var repeatAfterLast: EscalationRepeat?
    public var critical: CriticalPath?

    public init(
        runsWhile: EscalationCondition, levels: [EscalationLevel],
        repeatAfterLast: EscalationRepeat? = nil, critical: CriticalPath? = nil
    ) {
        self.runsWhile = runsWhile
        self.levels = levels
        self.repeatAfterLast = repeatAfterLast
        self.critical = critical
    }
}

public enum EscalationCondition: String, CaseIterable, Codable, Sendable {
    case unresolved
    case unacknowledged
}

public struct EscalationLevel: Sendable {
    public var level: Int
    public var name: String
    /// Contact ids to notify when the level is reached.
    public var notify: [String]
    /// What someone at this level may do.
    public var may: [String]
    /// When the level is reached, measured from the start of the incident.
    public var after: RunbookDuration
    public var expectedResolution: RunbookDuration?
    public var expectedResponse: RunbookDuration?

    public init(
        level: Int, name: String, notify: [String], may: [String] = [], after: RunbookDuration,
        expectedResolution: RunbookDuration? = nil, expectedResponse: RunbookDuration? = nil
    ) {
        self.level = level
        self.name = name
        self.notify = notify
        self.may = may
        self.after = after
        self.expectedResolution = expectedResolution
        self.expectedResponse = expectedResponse
    }
}

public struct EscalationRepeat: Sendable {
    public var every: RunbookDuration
    /// How many times the last level is repeated; nil means until the incident closes.
    public var times: Int?

    public init(every: RunbookDuration, times: Int? = nil) {
        self.every = every
        self.times = times
    }
}

/// The path for customer-facing or financial impact: everything at once.
public struct CriticalPath: Sendable {
    /// What makes an incident critical ("Customer-facing", "Financial impact").
    public var triggers: [String]
    /// What happens, in order ("Page PagerDuty immediately", …).
    public var actions: [String]
    /// Contact id of the PagerDuty service to page.
    public var page: String?
    /// Contact ids to notify at once.
    public var notify: [String]

    public init(triggers: [String], actions: [String], page: String? = nil, notify: [String] = []) {
        self.triggers = triggers
        self.actions = actions
        self.page = page
        self.notify = notify
    }
}

public struct Contact: Sendable {
    public var id: String
    public var name: String
    public var role: String?
    public var email: String?
    public var slack: ChatAddress?
    public var pagerDuty: PagerDutyTarget?
    /// Anything else: vendor support plans, phone trees.
    public var external: String?
    /// The id of a rotation in `oncall.yaml`: whoever is on call there is this contact too.
    public var rotation: String?
    public var notes: [String]
    /// When these details were last checked ("update it monthly").
    public var updated: CalendarDate

    public init(
        id: String, name: String, role: String? = nil, email: String? = nil, slack: ChatAddress? = nil,
        pagerDuty: PagerDutyTarget? = nil, external: String? = nil, rotation: String? = nil, notes: [String] = [],
        updated: CalendarDate
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.email = email
        self.slack = slack
        self.pagerDuty = pagerDuty
        self.external = external
        self.rotation = rotation
        self.notes = notes
        self.updated = updated
    }
}

/// Where to reach someone in chat (a contact's `slack:` field). Ids make real mentions;
/// names are shown as text. Stored and encoded as the text it was parsed from.
public enum ChatAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    case user(id: String)
    case userGroup(id: String)
    case channel(id: String)
    case channelName(String)
    case handle(String)

    /// Accepts `U…`/`W…` (user), `S…` (user group), `C…`/`G…` (channel), `#name`, `@name`.
    public init?(parsing text: String) {
        let value = text.trimmingWhitespace()
        guard let first = value.first else { return nil }
        let rest = value.dropFirst()
        let isSlackID = rest.count >= 2 && rest.allSatisfy { ($0.isASCII && $0.isUppercase) || ($0.isASCII && $0.isNumber) }
        let isName = !rest.isEmpty && rest.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        if (first == "U" || first == "W") && isSlackID {
            self = .user(id: value)
        } else if first == "S" && isSlackID {
            self = .userGroup(id: value)
        } else if (first == "C" || first == "G") && isSlackID {
            self = .channel(id: value)
        } else if first == "#" && isName {
            self = .channelName(String(rest))
        } else if first == "@" && isName {
            self = .handle(String(rest))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .user(let id), .userGroup(let id), .channel(let id): id
        case .channelName(let name): "#\(name)"
        case .handle(let name): "@\(name)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = ChatAddress(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a chat address: \(text)"))
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public struct PagerDutyTarget: Sendable {
    public var url: String?
    public var service: String?
    public var escalationPolicy: String?

    public init(url: String? = nil, service: String? = nil, escalationPolicy: String? = nil) {
        self.url = url
        self.service = service
        self.escalationPolicy = escalationPolicy
    }
}
