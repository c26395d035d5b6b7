import RunbookModel

/// A message a run sends, kept in the run outbox until delivered. Rendered at delivery time
/// from the run as it is then, so a checklist update always shows the latest state.
public enum RunDelivery: Codable, Hashable, Sendable {
    /// The checklist: posted once, its message id kept on the run.
    case postChecklist
    /// The same checklist message, replaced in place.
    case updateChecklist
    /// A step escalation: the contact is pinged in the thread (never in a drill). When the
    /// contact names a rotation, `onCall` is who was on call when the step was escalated.
    case ping(target: NotifyTarget, step: Int, onCall: OnCallAnswer? = nil)
    /// A watch ran out: ask in the thread whether the step's expectation holds.
    case askExpectation(step: Int)
    /// The run ended: time per step and in all (a drill's rehearsal figures).
    case summary
}

/// A run's change to save in one transaction: its state, its timeline lines (into the
/// incident's timeline for an incident run) and its outbox deliveries.
public struct RunChange: Sendable {
    public var run: ProcedureRun
    public var timeline: [TimelineEntry]
    public var deliveries: [RunDelivery]

    public init(run: ProcedureRun, timeline: [TimelineEntry], deliveries: [RunDelivery]) {
        self.run = run
        self.timeline = timeline
        self.deliveries = deliveries
    }
}

/// What `RunStore.updateRun` did.
public enum RunUpdateResult: Sendable {
    case notFound
    /// The change decided there was nothing to do; nothing was saved.
    case unchanged
    case saved(RunChange)

    public var saved: RunChange? {
        if case .saved(let change) = self { change } else { nil }
    }
}

/// A run delivery waiting in (or taken from) the run outbox.
public struct RunOutboxMessage: Hashable, Sendable {
    public var id: Int64
    public var runID: String
    /// One queue per chat channel: messages to a channel leave in the order they were made.
    public var queue: String
    public var delivery: RunDelivery
    public var attempts: Int

    public init(id: Int64, runID: String, queue: String, delivery: RunDelivery, attempts: Int) {
        self.id = id
        self.runID = runID
        self.queue = queue
        self.delivery = delivery
        self.attempts = attempts
    }
}

/// Durable runs and drills. Every method that changes a run does so in one transaction:
/// the run, its timeline lines, its watch timer and its outbox deliveries together or not at all.
public protocol RunStore: Sendable {
    /// Allocates the next run number and saves what `make` builds with it.
    func startRun(_ make: @Sendable (Int) throws -> RunChange) async throws -> ProcedureRun
    /// Loads the run, lets `change` decide, saves the result; nil from `change` saves nothing.
    func updateRun(_ id: String, _ change: @Sendable (ProcedureRun) throws -> RunChange?) async throws -> RunUpdateResult

    func run(_ id: String) async throws -> ProcedureRun?
    /// Unfinished runs and drills in `channel`, oldest first.
    func activeRuns(channel: String) async throws -> [ProcedureRun]
    /// An incident's runs, oldest first.
    func runs(incidentID: String) async throws -> [ProcedureRun]
    /// Drills, newest first, at most `limit`.
    func drills(limit: Int) async throws -> [ProcedureRun]
    /// A run's own lines, oldest first (a drill's only record of who did what when).
    func runTimeline(_ id: String) async throws -> [TimelineEntry]

    /// Each queue's oldest pending run delivery, if it may be tried at `now`.
    func deliverableRunMessages(at now: Timestamp) async throws -> [RunOutboxMessage]
    /// When the next pending run delivery may be tried.
    func nextRunDeliveryAttempt() async throws -> Timestamp?
    /// Marks delivered; a delivered checklist's message id becomes the run's `checklistTS`.
    func markRunDelivered(_ message: RunOutboxMessage, messageTS: String?, at: Timestamp) async throws
    func markRunRetry(_ message: RunOutboxMessage, retryAt: Timestamp, error: String) async throws
    /// Gives up on the delivery and records why in the run's timeline.
    func markRunFailed(_ message: RunOutboxMessage, error: String, at: Timestamp) async throws
    /// Each run outbox queue's pending messages: how many, and when the oldest was made.
    func runOutboxQueues() async throws -> [OutboxQueueState]
}

extension ProcedureRun {
    /// The kind of durable timer a run's watch uses.
    public static let watchTimerKind = "run-watch"

    public var watchTimerKey: String { "run-watch:\(id)" }

    /// The durable timer for the current step's `watch_for`; nil when nothing is watched.
    /// Stores save it with the run, so the timer and the run can never disagree.
    public var watchTimer: DurableTimer? {
        watchDeadline.map { DurableTimer(key: watchTimerKey, dueAt: $0, kind: Self.watchTimerKind, payload: id) }
    }

    /// `RUN-12`, `run-12`, `12` → 12.
    public static func number(from word: String) -> Int? {
        let upper = word.uppercased()
        let digits = upper.hasPrefix("RUN-") ? String(upper.dropFirst(4)) : upper
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isNumber), let number = Int(digits), number > 0 else { return nil }
        return number
    }
}
