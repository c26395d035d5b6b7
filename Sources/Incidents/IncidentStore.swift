/// Where a delivery goes. Deliveries to the same place go out in the order they were made.
public enum Destination: Codable, Hashable, Sendable {
    /// The channel the incident was declared in (its card and thread).
    case incidentChannel
    /// A status channel from bot.yaml.
    case statusChannel(String)
    case pagerDuty

    /// The ordering key: one queue per chat channel, one for PagerDuty.
    public func queue(for incident: Incident) -> String {
        switch self {
        case .incidentChannel: "slack:\(incident.channel)"
        case .statusChannel(let channel): "slack:\(channel)"
        case .pagerDuty: "pagerduty"
        }
    }
}

/// One effect bound for one destination, written to the outbox with the state change.
public struct Delivery: Codable, Hashable, Sendable {
    public var destination: Destination
    public var effect: Effect

    public init(_ effect: Effect, to destination: Destination) {
        self.destination = destination
        self.effect = effect
    }
}

/// A delivery waiting in (or taken from) the outbox.
public struct OutboxMessage: Hashable, Sendable {
    public var id: Int64
    public var incidentID: String
    public var queue: String
    public var delivery: Delivery
    public var attempts: Int
    public var createdAt: Timestamp
    /// The incident as it was when the message was handed out, for a store that reads it
    /// with the message (saving the sender a round trip to the database); nil when the
    /// sender reads it itself.
    public var incident: Incident?

    public init(id: Int64, incidentID: String, queue: String, delivery: Delivery, attempts: Int, createdAt: Timestamp, incident: Incident? = nil) {
        self.id = id
        self.incidentID = incidentID
        self.queue = queue
        self.delivery = delivery
        self.attempts = attempts
        self.createdAt = createdAt
        self.incident = incident
    }
}

/// The outbox state of one delivery, shown in `/incident show`.
public struct DeliveryRecord: Hashable, Sendable {
    public enum Status: String, Sendable { case pending, delivered, failed }

    public var id: Int64
    public var queue: String
    public var delivery: Delivery
    public var status: Status
    public var attempts: Int
    public var lastError: String?

    public init(id: Int64, queue: String, delivery: Delivery, status: Status, attempts: Int, lastError: String?) {
        self.id = id
        self.queue = queue
        self.delivery = delivery
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
    }
}

/// A change to save: the transition and where its effects go.
public struct Change: Sendable {
    public var transition: Transition
    public var deliveries: [Delivery]

    public init(transition: Transition, deliveries: [Delivery]) {
        self.transition = transition
        self.deliveries = deliveries
    }
}

/// What `IncidentStore.update` did.
public enum UpdateResult: Sendable {
    case notFound
    /// The change decided there was nothing to do; nothing was saved.
    case unchanged
    case saved(Change)
    /// The stored incident could not be read; it is now quarantined.
    case damaged(reason: String)

    public var saved: Change? {
        if case .saved(let change) = self { change } else { nil }
    }
}

/// Durable incident state. Every method that changes state does so in one transaction:
/// the incident, its timeline lines, its next deadline and its outbox deliveries are saved
/// together or not at all.
public protocol IncidentStore: Sendable {
    /// Allocates the next incident number and saves what `make` builds with it.
    func declare(_ make: @Sendable (Int) throws -> Change) async throws -> Incident

    /// Loads the incident, lets `change` decide, saves the result. `change` returning nil
    /// saves nothing.
    func update(_ id: String, _ change: @Sendable (Incident) throws -> Change?) async throws -> UpdateResult

    /// Generated once when the store is first created and kept: tells this installation's
    /// pages apart from another's.
    func installationID() async throws -> String

    func incident(_ id: String) async throws -> Incident?
    /// Open incidents, oldest first; only those declared in `channel` when given.
    func openIncidents(channel: String?) async throws -> [Incident]
    /// Incidents resolved at or after `since`, newest first.
    func resolvedIncidents(since: Timestamp) async throws -> [Incident]
    func timeline(_ id: String) async throws -> [TimelineEntry]
    func deliveries(_ id: String) async throws -> [DeliveryRecord]

    /// The earliest deadline of any open incident.
    func nextDeadline() async throws -> Timestamp?
    /// Ids of open incidents whose deadline is at or before `now`, earliest first.
    func dueIncidents(at now: Timestamp) async throws -> [String]
    /// Lets `change` decide for each open incident due at `now`, earliest first, one
    /// transaction each, as `update` does, and tells `committed` each outcome as soon as it
    /// is saved. On a database several replicas share, an incident another replica is
    /// changing at that moment is left to it, so each firing happens once.
    func updateDue(
        at now: Timestamp, _ change: @Sendable (Incident) throws -> Change?, committed: (String, UpdateResult) async -> Void
    ) async throws

    /// For each queue, its oldest pending delivery, if that delivery may be tried at `now`.
    /// A queue whose oldest delivery waits (rate limit, backoff) holds back the rest, so
    /// order within a queue is kept. A store shared by replicas hands a delivery to one of
    /// them at a time, for `OutboxClaim.window`, until it is marked or the claim expires.
    func deliverable(at now: Timestamp) async throws -> [OutboxMessage]
    /// When the next pending delivery may be tried, leaving out the queues named.
    func nextDeliveryAttempt(excluding queues: Set<String>) async throws -> Timestamp?
    /// Marks delivered; a delivered card's message timestamp becomes the incident's thread.
    func markDelivered(_ message: OutboxMessage, threadTS: String?, at: Timestamp) async throws
    /// Keeps the delivery pending, to be tried again no earlier than `retryAt`.
    func markRetry(_ message: OutboxMessage, retryAt: Timestamp, error: String) async throws
    /// Gives up on the delivery and records why in the incident's timeline.
    func markFailed(_ message: OutboxMessage, error: String, at: Timestamp) async throws
    /// Keeps the delivery pending until `retryAt` because of a configuration error. The first
    /// time (not on every retry), the timeline records it and the incident's thread is told.
    func markMisconfigured(_ message: OutboxMessage, retryAt: Timestamp, error: String, at: Timestamp) async throws

    /// Records `key` as seen at `now`; false when it was already seen within `keepFor`.
    /// Events, clicks, Socket Mode envelopes and incident commands are handled once each,
    /// across restarts (and, on a shared database, across replicas).
    func firstSighting(_ key: String, at now: Timestamp, keepFor: Duration) async throws -> Bool

    /// Each queue's pending messages: how many, and when the oldest was made.
    func outboxQueues() async throws -> [OutboxQueueState]

    /// Rows that could not be read, set aside so everything else keeps running; only those
    /// of `channel` when given.
    func damagedIncidents(channel: String?) async throws -> [DamagedRecord]
}

/// How far behind one outbox queue is.
public struct OutboxQueueState: Hashable, Sendable {
    public var queue: String
    public var depth: Int
    public var oldest: Timestamp

    public init(queue: String, depth: Int, oldest: Timestamp) {
        self.queue = queue
        self.depth = depth
        self.oldest = oldest
    }
}

/// Thrown when an incident's stored record cannot be read; the store has set it aside.
public struct DamagedRecordError: Error, Equatable, Sendable, CustomStringConvertible {
    public var id: String
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }

    public var description: String { "\(id)'s stored record is damaged and set aside (\(reason))" }
}

/// A stored row that could not be decoded: quarantined, logged once, shown in `/incident list`.
public struct DamagedRecord: Hashable, Sendable {
    public var id: String
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// How long a replica may take to send a delivery it was handed before another replica
/// takes the delivery over.
public enum OutboxClaim {
    public static let window: Duration = .seconds(10)
}

extension IncidentStore {
    /// One process on its own database: the due ids, then `update` for each. One that fails
    /// holds back only itself; the first failure is thrown once the others are done.
    public func updateDue(
        at now: Timestamp, _ change: @Sendable (Incident) throws -> Change?, committed: (String, UpdateResult) async -> Void
    ) async throws {
        var firstFailure: (any Error)?
        for id in try await dueIncidents(at: now) {
            do {
                await committed(id, try await update(id, change))
            } catch where !(error is CancellationError) {
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }

    /// When the next pending delivery may be tried.
    public func nextDeliveryAttempt() async throws -> Timestamp? {
        try await nextDeliveryAttempt(excluding: [])
    }
}
