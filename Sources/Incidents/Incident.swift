import RunbookModel

public enum IncidentState: String, Codable, Sendable {
    case triggered, acknowledged, resolved
}

/// An instant as milliseconds since 1970, so deadlines survive restarts and compare exactly.
public struct Timestamp: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public init(seconds: Double) {
        self.milliseconds = Int64((seconds * 1000).rounded())
    }

    public func adding(seconds: Int) -> Timestamp {
        Timestamp(milliseconds: milliseconds + Int64(seconds) * 1000)
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(milliseconds: self.milliseconds + milliseconds)
    }

    public func adding(_ duration: Duration) -> Timestamp {
        let (seconds, attoseconds) = duration.components
        return adding(milliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// How long from `self` until `later` (negative when `later` is earlier).
    public func duration(until later: Timestamp) -> Duration {
        .milliseconds(later.milliseconds - milliseconds)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public var description: String { "\(milliseconds)ms" }
}

/// A procedure an incident's card offers to start, by id, with its title for the button.
public struct ProcedureLink: Codable, Hashable, Sendable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// Someone to notify, with what the notifier needs to reach them, copied from the runbook
/// when the incident was declared.
public struct NotifyTarget: Codable, Hashable, Sendable {
    public var contactID: String
    public var name: String
    /// Where to reach them in chat; each chat renders the mention its own way.
    public var chat: ChatAddress?
    public var email: String?
    public var pagerDutyURL: String?
    /// A rotation in `oncall.yaml`: whoever is on call there is reached too, decided when
    /// the ping is made.
    public var rotation: String?

    public init(
        contactID: String, name: String, chat: ChatAddress? = nil, email: String? = nil, pagerDutyURL: String? = nil,
        rotation: String? = nil
    ) {
        self.contactID = contactID
        self.name = name
        self.chat = chat
        self.email = email
        self.pagerDutyURL = pagerDutyURL
        self.rotation = rotation
    }

    /// Has a way to be reached besides a rotation.
    public var hasFixedDetails: Bool { chat != nil || email != nil || pagerDutyURL != nil }
}

/// One of a failure mode's immediate actions, as the incident keeps it: what to do, and
/// the exact command or link when the runbook gives one.
public struct ImmediateAction: Codable, Hashable, Sendable {
    public var text: String
    public var command: String?
    public var link: String?

    public init(text: String, command: String? = nil, link: String? = nil) {
        self.text = text
        self.command = command
        self.link = link
    }

    /// From the runbook: the condition and sub-steps are folded into the text.
    public init(_ action: Action) {
        var text = action.when.map { "If \($0): \(action.text)" } ?? action.text
        if !action.steps.isEmpty { text += " (" + action.steps.joined(separator: "; ") + ")" }
        self.init(text: text, command: action.command, link: action.link)
    }
}

/// The escalation policy as it was when the incident was declared: later edits to the
/// runbook do not change a running incident's chain.
public struct PolicySnapshot: Codable, Hashable, Sendable {
    public struct Level: Codable, Hashable, Sendable {
        public var level: Int
        public var name: String
        public var afterSeconds: Int
        public var targets: [NotifyTarget]
        public var may: [String]

        public init(level: Int, name: String, afterSeconds: Int, targets: [NotifyTarget], may: [String] = []) {
            self.level = level
            self.name = name
            self.afterSeconds = afterSeconds
            self.targets = targets
            self.may = may
        }
    }

    public struct Repeat: Codable, Hashable, Sendable {
        public var everySeconds: Int
        public var times: Int?

        public init(everySeconds: Int, times: Int? = nil) {
            self.everySeconds = everySeconds
            self.times = times
        }
    }

    public struct Critical: Codable, Hashable, Sendable {
        public var actions: [String]
        public var page: NotifyTarget?
        public var targets: [NotifyTarget]

        public init(actions: [String], page: NotifyTarget? = nil, targets: [NotifyTarget] = []) {
            self.actions = actions
            self.page = page
            self.targets = targets
        }
    }

    public var system: String
    public var runsWhile: EscalationCondition
    public var levels: [Level]
    public var repeatAfterLast: Repeat?
    public var critical: Critical?

    public init(system: String, runsWhile: EscalationCondition, levels: [Level], repeatAfterLast: Repeat? = nil, critical: Critical? = nil) {
        self.system = system
        self.runsWhile = runsWhile
        self.levels = levels
        self.repeatAfterLast = repeatAfterLast
        self.critical = critical
    }

    /// Copies a runbook's escalation section, resolving contact ids to how to reach them.
    public init(runbook: Runbook) {
        func targets(_ ids: [String]) -> [NotifyTarget] {
            ids.compactMap { runbook.contact($0).map(NotifyTarget.init(contact:)) }
        }
        let policy = runbook.escalation
        self.system = runbook.system.id
        self.runsWhile = policy.runsWhile
        self.levels = policy.levels.map {
            Level(level: $0.level, name: $0.name, afterSeconds: $0.after.seconds, targets: targets($0.notify), may: $0.may)
        }
        self.repeatAfterLast = policy.repeatAfterLast.map { Repeat(everySeconds: $0.every.seconds, times: $0.times) }
        self.critical = policy.critical.map { critical in
            Critical(
                actions: critical.actions,
                page: critical.page.flatMap(runbook.contact).map(NotifyTarget.init(contact:)),
                targets: targets(critical.notify)
            )
        }
    }
}

extension NotifyTarget {
    public init(contact: Contact) {
        self.init(
            contactID: contact.id, name: contact.name, chat: contact.slack, email: contact.email, pagerDutyURL: contact.pagerDuty?.url,
            rotation: contact.rotation
        )
    }
}

public struct Incident: Codable, Hashable, Sendable {
    public var number: Int
    public var title: String
    public var severity: IncidentSeverity
    public var state: IncidentState
    /// The chat channel it was declared in; its card and thread live there.
    public var channel: String
    /// The card's message timestamp once posted: pings and updates go in its thread.
    public var threadTS: String?
    public var declaredAt: Timestamp
    public var declaredBy: String
    public var acknowledgedAt: Timestamp?
    public var acknowledgedBy: String?
    public var resolvedAt: Timestamp?
    public var resolvedBy: String?
    public var resolutionNote: String?
    public var failureModeID: String?
    public var failureModeTitle: String?
    /// The failure mode's immediate actions, repeated in every ping.
    public var immediateActions: [ImmediateAction]
    public var policy: PolicySnapshot
    /// Escalation levels reached so far (level 1 is reached at declaration when it is due at 0m).
    public var levelsReached: Int
    /// When the last level was reached, for repeats.
    public var lastLevelReachedAt: Timestamp?
    public var repeatsDone: Int
    public var lastStatusUpdateAt: Timestamp?
    public var lastStatusText: String?
    public var lastReminderAt: Timestamp?
    /// Remind the thread after this long without a status update (per severity, from bot.yaml).
    public var reminderSeconds: Int?
    /// Whether PagerDuty was paged, so resolution resolves the page too.
    public var paged: Bool
    /// The page's `dedup_key`: the installation and the incident id. Nil for incidents
    /// declared before installations had ids; their pages were keyed by the id alone.
    public var pageKey: String?
    /// What the public status page shows; nil until someone publishes.
    public var publication: Publication?
    /// The matched failure mode's procedures, offered on the card as **Start procedure**.
    public var procedures: [ProcedureLink]? = nil

    /// The key a page about this incident is triggered and resolved with.
    public var dedupKey: String { pageKey ?? id }

    public var id: String { Self.id(number: number) }
    public static func id(number: Int) -> String { "INC-\(number)" }

    public var isOpen: Bool { state != .resolved }
}
