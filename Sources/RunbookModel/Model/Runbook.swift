/// One system's runbook: the shared, structured model the team authors in YAML.
///
/// The sections follow the order an on-call engineer reads them in: what the system is,
/// what it relies on, what breaks, what to do, who to call.
public struct Runbook: Sendable {
    public var system: SystemInfo
    public var overview: Overview
    public var dependencies: [Dependency]
    public var failureModes: [FailureMode]
    public var procedures: [Procedure]
    public var escalation: EscalationPolicy
    public var contacts: [Contact]
    /// The file the runbook was loaded from, for messages that point authors at it.
    public var sourceFile: String

    public init(
        system: SystemInfo, overview: Overview, dependencies: [Dependency], failureModes: [FailureMode],
        procedures: [Procedure], escalation: EscalationPolicy, contacts: [Contact], sourceFile: String
    ) {
        self.system = system
        self.overview = overview
        self.dependencies = dependencies
        self.failureModes = failureModes
        self.procedures = procedures
        self.escalation = escalation
        self.contacts = contacts
        self.sourceFile = sourceFile
    }

    public func contact(_ id: String) -> Contact? { contacts.first { $0.id == id } }
    public func failureMode(_ id: String) -> FailureMode? { failureModes.first { $0.id == id } }
    public func procedure(_ id: String) -> Procedure? { procedures.first { $0.id == id } }
    public func dependency(_ id: String) -> Dependency? { dependencies.first { $0.id == id } }
}

/// Metadata: which system this is and how current the document is.
public struct SystemInfo: Sendable {
    /// Used to scope lookups (`/runbook invoice-pipeline timeout`) and incidents.
    public var id: String
    public var title: String
    public var aliases: [String]
    /// Free-form version label; the `updated` date is what staleness is judged by.
    public var version: String?
    public var updated: CalendarDate
    /// The last day the procedures were actually run through ("test it quarterly").
    public var reviewed: CalendarDate
    /// Contact ids.
    public var owner: String
    public var backup: String?

    public init(
        id: String, title: String, aliases: [String] = [], version: String? = nil,
        updated: CalendarDate, reviewed: CalendarDate, owner: String, backup: String? = nil
    ) {
        self.id = id
        self.title = title
        self.aliases = aliases
        self.version = version
        self.updated = updated
        self.reviewed = reviewed
        self.owner = owner
        self.backup = backup
    }
}

public struct Overview: Sendable {
    public var purpose: String
    public var components: [Component]
    public var onCall: OnCall?
    public var notes: [String]

    public init(purpose: String, components: [Component], onCall: OnCall? = nil, notes: [String] = []) {
        self.purpose = purpose
        self.components = components
        self.onCall = onCall
        self.notes = notes
    }
}

public struct Component: Sendable {
    /// What sort of thing it is: "S3 bucket", "Lambda", "DynamoDB table".
    public var kind: String
    public var name: String
    public var note: String?

    public init(kind: String, name: String, note: String? = nil) {
        self.kind = kind
        self.name = name
        self.note = note
    }
}

public struct OnCall: Sendable {
    /// How to find who is on call now ("Check PagerDuty rotation").
    public var note: String
    public var contact: String?

    public init(note: String, contact: String? = nil) {
        self.note = note
        self.contact = contact
    }
}

public struct Dependency: Sendable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var usedFor: String
    public var howItFails: [String]
    public var impact: String
    public var detection: [String]
    public var fallback: String?
    public var mitigation: String?
    public var prevention: String?
    /// Failure-mode ids this dependency can cause.
    public var failureModes: [String]
    /// A contact id for the dependency's owner or vendor support.
    public var contact: String?

    public init(
        id: String, name: String, aliases: [String] = [], usedFor: String, howItFails: [String], impact: String,
        detection: [String] = [], fallback: String? = nil, mitigation: String? = nil, prevention: String? = nil,
        failureModes: [String] = [], contact: String? = nil
    ) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.usedFor = usedFor
        self.howItFails = howItFails
        self.impact = impact
        self.detection = detection
        self.fallback = fallback
        self.mitigation = mitigation
        self.prevention = prevention
        self.failureModes = failureModes
        self.contact = contact
    }
}

public enum Severity: String, CaseIterable, Comparable, Sendable {
    case critical, high, medium, low

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    /// Critical sorts first.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

public struct DetectionSignals: Sendable {
    /// Monitoring alarms, by the name they fire with.
    public var alarms: [String]
    /// Where a person gets told ("Slack notification in #alerts").
    public var notifications: [String]
    /// Log lines and error strings, exactly as they appear.
    public var logs: [String]

    public init(alarms: [String] = [], notifications: [String] = [], logs: [String] = []) {
        self.alarms = alarms
        self.notifications = notifications
        self.logs = logs
    }

    public var isEmpty: Bool { alarms.isEmpty && notifications.isEmpty && logs.isEmpty }
}

/// One thing to do, in order, possibly only under a condition.
public struct Action: Sendable {
    public var text: String
    /// "If ConditionalCheckFailedException": the action only applies then.
    public var when: String?
    /// The exact command to run.
    public var command: String?
    public var link: String?
    /// Sub-steps of a conditional action.
    public var steps: [String]
    public var note: String?

    public init(
        text: String, when: String? = nil, command: String? = nil, link: String? = nil,
        steps: [String] = [], note: String? = nil
    ) {
        self.text = text
        self.when = when
        self.command = command
        self.link = link
        self.steps = steps
        self.note = note
    }
}

public struct FailureMode: Sendable {
    public var id: String
    public var title: String
    public var aliases: [String]
    public var severity: Severity
    /// Why it has that severity ("invoices not processed, backlog grows").
    public var severityReason: String?
    public var detection: DetectionSignals
    /// "Why it happens".
    public var causes: [String]
    public var customerImpact: String
    public var immediateActions: [Action]
    /// Contact id.
    public var escalateTo: String?
    /// Procedure ids that remediate this failure.
    public var procedures: [String]
    /// Dependency ids involved.
    public var dependencies: [String]

    public init(
        id: String, title: String, aliases: [String] = [], severity: Severity, severityReason: String? = nil,
        detection: DetectionSignals, causes: [String], customerImpact: String, immediateActions: [Action],
        escalateTo: String? = nil, procedures: [String] = [], dependencies: [String] = []
    ) {
        self.id = id
        self.title = title
        self.aliases = aliases
        self.severity = severity
        self.severityReason = severityReason
        self.detection = detection
        self.causes = causes
        self.customerImpact = customerImpact
        self.immediateActions = immediateActions
        self.escalateTo = escalateTo
        self.procedures = procedures
        self.dependencies = dependencies
    }
}

public struct Procedure: Sendable {
    public var id: String
    public var title: String
    public var aliases: [String]
    /// What must hold before starting ("Claude API is back up").
    public var assumptions: [String]
    public var steps: [ProcedureStep]
    /// Failure-mode ids this procedure remediates.
    public var failureModes: [String]

    public init(
        id: String, title: String, aliases: [String] = [], assumptions: [String] = [],
        steps: [ProcedureStep], failureModes: [String] = []
    ) {
        self.id = id
        self.title = title
        self.aliases = aliases
        self.assumptions = assumptions
        self.steps = steps
        self.failureModes = failureModes
    }
}

public struct ProcedureStep: Sendable {
    public var title: String
    public var details: String?
    public var command: String?
    /// "If > 1000: continue to step 2."
    public var decisions: [String]
    /// Metrics or signals to watch.
    public var watch: [String]
    /// How long to keep watching.
    public var watchFor: RunbookDuration?
    public var expect: String?
    public var escalation: StepEscalation?
    /// Further lines that belong to the step (messages to post, follow-ups).
    public var notes: [String]
    /// The line of the runbook file where the step starts, for follow-ups to point at.
    public var sourceLine: Int?

    public init(
        title: String, details: String? = nil, command: String? = nil, decisions: [String] = [],
        watch: [String] = [], watchFor: RunbookDuration? = nil, expect: String? = nil,
        escalation: StepEscalation? = nil, notes: [String] = [], sourceLine: Int? = nil
    ) {
        self.sourceLine = sourceLine
        self.title = title
        self.details = details
        self.command = command
        self.decisions = decisions
        self.watch = watch
        self.watchFor = watchFor
        self.expect = expect
        self.escalation = escalation
        self.notes = notes
    }
}

public struct StepEscalation: Sendable {
    /// "mismatch > 5%".
    public var condition: String
    /// Contact id.
    public var contact: String

    public init(condition: String, contact: String) {
        self.condition = condition
        self.contact = contact
    }
}
