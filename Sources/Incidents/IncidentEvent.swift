import RunbookModel

/// Something that happens to an incident. Every event has an actor: a chat user id, or
/// `runbook-bot` for what the bot does on its own.
public enum IncidentEvent: Sendable, Equatable {
    case acknowledge(by: String)
    case update(by: String, text: String)
    case escalate(by: String)
    /// Escalate only if the incident is still at `level`: a card's button says which level
    /// it showed, so a double click or a stale card escalates once.
    case escalateFrom(level: Int, by: String)
    case resolve(by: String, note: String?)
    /// Text for the public status page, under the system's public name.
    case publish(by: String, text: String, name: String)
}

public enum IncidentError: Error, Equatable, Sendable, CustomStringConvertible {
    case alreadyResolved(String)
    case alreadyAcknowledged(String)
    case noMoreLevels(String)
    case alreadyEscalated(String, level: Int)
    case emptyUpdate
    case emptyPublication

    public var description: String {
        switch self {
        case .alreadyResolved(let id): "\(id) is already resolved"
        case .alreadyAcknowledged(let id): "\(id) is already acknowledged"
        case .noMoreLevels(let id): "\(id) is already at the last escalation level"
        case .alreadyEscalated(let id, let level): "\(id) has already been escalated (it is at level \(level) now)"
        case .emptyUpdate: "say what the status is: /incident update [id] <status text>"
        case .emptyPublication: "say what customers should read: /incident publish [id] <text for the status page>"
        }
    }
}

/// Why a level was notified. Kept as data so each chat can mention the actor its own way.
public enum EscalationReason: Codable, Hashable, Sendable {
    /// The level is due when the incident starts.
    case declared
    /// The level's time came while the incident was still unresolved (or unacknowledged).
    case notHandled(afterSeconds: Int, runsWhile: EscalationCondition)
    case byHand(by: String)
    /// After the last level, the last level again; `missed` repeats fell due while the bot
    /// was down and are folded into this one.
    case repeated(number: Int, of: Int?, missed: Int)
    /// Written as text by a version of the bot from before reasons were data.
    case recorded(text: String)
}

/// Why the escalation chain stopped.
public enum ChainStopReason: Codable, Hashable, Sendable {
    /// Acknowledged, and the runbook escalates only while unacknowledged.
    case acknowledged(by: String)
    case lastLevelReached
    case repeatsDone
    /// Written as text by a version of the bot from before reasons were data.
    case recorded(text: String)
}

/// One line of an incident's history.
public struct TimelineEntry: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case declared, acknowledged, escalated, update, resolved, reminder, paged, chainStopped, deliveryFailed, published
        /// A procedure run's step: done, skipped, chosen, escalated, watched.
        case run
    }

    public var at: Timestamp
    public var actor: String
    public var kind: Kind
    public var text: String

    public init(at: Timestamp, actor: String, kind: Kind, text: String) {
        self.at = at
        self.actor = actor
        self.kind = kind
        self.text = text
    }
}

/// What should happen in the world because of a transition. Effects are stored in the
/// outbox in the same transaction as the state change and delivered afterwards.
public enum Effect: Codable, Hashable, Sendable {
    /// Post the incident card to its channel (its `ts` becomes the incident's thread).
    case postCard
    /// Update the card in place to show state and level.
    case updateCard
    /// Ping a level's targets in the thread, also broadcast to the channel. `onCall` is who
    /// the level's rotations reached, decided when the level was reached.
    case notifyLevel(level: Int, reason: EscalationReason, onCall: [OnCallAnswer]? = nil)
    /// The critical path: all levels and critical targets at once.
    case notifyCritical(onCall: [OnCallAnswer]? = nil)
    case statusUpdate(text: String)
    case reminder
    case resolvedNotice
    /// Tell the thread what the status page now says.
    case published
    /// Tell the thread that a delivery is stuck on something a person must fix.
    case deliveryProblem(text: String)
    case chainStopped(reason: ChainStopReason)
    /// `/incident postmortem`: the record's summary, posted in the thread as plain lines.
    case postmortemSummary(text: String)
    case pageTrigger
    case pageResolve
}

public struct Transition: Sendable, Equatable {
    public var incident: Incident
    public var timeline: [TimelineEntry]
    public var effects: [Effect]

    public init(incident: Incident, timeline: [TimelineEntry] = [], effects: [Effect] = []) {
        self.incident = incident
        self.timeline = timeline
        self.effects = effects
    }
}
