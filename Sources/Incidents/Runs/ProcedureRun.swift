import RunbookModel

/// A procedure being worked through, step by step: in an incident's thread, or as a timed
/// drill. It keeps its own copy of the steps (as the incident keeps its chain), so editing
/// the runbook does not change a run under way.
public struct ProcedureRun: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Part of an incident: escalations ping, every action goes in its timeline.
        case incident
        /// A rehearsal: pings nobody, pages nothing, records what would have happened.
        case drill
    }

    /// One step as the run keeps it.
    public struct Step: Codable, Hashable, Sendable {
        public var title: String
        public var details: String?
        public var command: String?
        public var decisions: [String]
        public var watch: [String]
        public var watchForSeconds: Int?
        public var expect: String?
        /// The contact id to escalate to, and when.
        public var escalateTo: String?
        public var escalateWhen: String?
        /// How to reach `escalateTo`, copied from the runbook's contacts when the run starts.
        public var escalateTarget: NotifyTarget?

        public init(_ step: ProcedureStep) {
            title = step.title
            details = step.details
            command = step.command
            decisions = step.decisions
            watch = step.watch
            watchForSeconds = step.watchFor?.seconds
            expect = step.expect
            escalateTo = step.escalation?.contact
            escalateWhen = step.escalation?.condition
        }
    }

    /// What happened to one step.
    public struct Record: Codable, Hashable, Sendable {
        public enum Outcome: String, Codable, Sendable { case pending, current, done, skipped }

        public var outcome: Outcome = .pending
        public var startedAt: Timestamp?
        public var endedAt: Timestamp?
        public var actor: String?
        public var note: String?
        /// The decision taken, by its text.
        public var choice: String?
        /// Contacts escalated to from this step (in a drill: who would have been).
        public var escalatedTo: [String] = []

        public init() {}

        /// How long the step was current, once it has ended.
        public var duration: Duration? {
            guard let startedAt, let endedAt else { return nil }
            return startedAt.duration(until: endedAt)
        }
    }

    public var number: Int
    public var kind: Kind
    /// The incident it belongs to; nil for a drill.
    public var incidentID: String?
    public var channel: String
    public var system: String
    public var procedureID: String
    public var procedureTitle: String
    public var assumptions: [String]
    public var steps: [Step]
    public var records: [Record]
    /// The step being worked on; nil once the run is finished.
    public var current: Int?
    public var startedAt: Timestamp
    public var startedBy: String
    public var finishedAt: Timestamp?
    /// When the current step's `watch_for` runs out: the bot then asks whether `expect` holds.
    public var watchDeadline: Timestamp?
    /// The checklist message once posted: it is updated in place, and a drill's thread hangs off it.
    public var checklistTS: String?
    /// The failure mode the run remediates (a drill's figures are set beside the article's targets).
    public var failureModeID: String?
    public var failureModeTitle: String?

    public var id: String { Self.id(number: number) }
    public static func id(number: Int) -> String { "RUN-\(number)" }
    public var isFinished: Bool { current == nil }

    /// The current step has watched for its `watch_for` and waits for "does `expect` hold?".
    public var awaitsExpectation: Bool {
        guard let current else { return false }
        return watchDeadline == nil && steps[current].watchForSeconds != nil && records[current].outcome == .current
    }

    /// Steps done or skipped so far.
    public var stepsEnded: Int { records.filter { $0.outcome == .done || $0.outcome == .skipped }.count }

    /// Whom step `index` escalated to, by the contact's name where the runbook gives one.
    public func escalatedNames(step index: Int) -> [String] {
        records[index].escalatedTo.map { contact in
            steps[index].escalateTo == contact ? steps[index].escalateTarget?.name ?? contact : contact
        }
    }
}
