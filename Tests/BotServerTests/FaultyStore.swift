import Incidents
import Synchronization

/// A store whose bookkeeping writes fail while `failingRecords` is above zero, as a locked
/// database or a full disk would make them fail. Everything else goes to the real store.
final class FaultyStore: IncidentStore {
    struct WriteFailed: Error {}

    let base: any IncidentStore
    let failingRecords = Mutex(0)
    /// While set, the database is gone: every read and write fails.
    let unreachable = Mutex(false)

    init(base: any IncidentStore) {
        self.base = base
    }

    private func failIfBroken() throws {
        let fail = failingRecords.withLock { count -> Bool in
            guard count > 0 else { return false }
            count -= 1
            return true
        }
        if fail { throw WriteFailed() }
    }

    private func failIfUnreachable() throws {
        if unreachable.withLock({ $0 }) { throw WriteFailed() }
    }

    func markDelivered(_ message: OutboxMessage, threadTS: String?, at: Timestamp) async throws {
        try failIfBroken()
        try await base.markDelivered(message, threadTS: threadTS, at: at)
    }
    func markRetry(_ message: OutboxMessage, retryAt: Timestamp, error: String) async throws {
        try failIfBroken()
        try await base.markRetry(message, retryAt: retryAt, error: error)
    }
    func markMisconfigured(_ message: OutboxMessage, retryAt: Timestamp, error: String, at: Timestamp) async throws {
        try failIfBroken()
        try await base.markMisconfigured(message, retryAt: retryAt, error: error, at: at)
    }
    func firstSighting(_ key: String, at now: Timestamp, keepFor: Duration) async throws -> Bool {
        try await base.firstSighting(key, at: now, keepFor: keepFor)
    }
    func outboxQueues() async throws -> [OutboxQueueState] {
        try failIfUnreachable()
        return try await base.outboxQueues()
    }
    func damagedIncidents(channel: String?) async throws -> [DamagedRecord] { try await base.damagedIncidents(channel: channel) }
    func markFailed(_ message: OutboxMessage, error: String, at: Timestamp) async throws {
        try failIfBroken()
        try await base.markFailed(message, error: error, at: at)
    }

    func declare(_ make: @Sendable (Int) throws -> Change) async throws -> Incident { try await base.declare(make) }
    func update(_ id: String, _ change: @Sendable (Incident) throws -> Change?) async throws -> UpdateResult {
        try failIfUnreachable()
        return try await base.update(id, change)
    }
    func installationID() async throws -> String { try await base.installationID() }
    func incident(_ id: String) async throws -> Incident? { try await base.incident(id) }
    func openIncidents(channel: String?) async throws -> [Incident] { try await base.openIncidents(channel: channel) }
    func resolvedIncidents(since: Timestamp) async throws -> [Incident] { try await base.resolvedIncidents(since: since) }
    func timeline(_ id: String) async throws -> [TimelineEntry] { try await base.timeline(id) }
    func deliveries(_ id: String) async throws -> [DeliveryRecord] { try await base.deliveries(id) }
    func nextDeadline() async throws -> Timestamp? {
        try failIfUnreachable()
        return try await base.nextDeadline()
    }
    func dueIncidents(at now: Timestamp) async throws -> [String] { try await base.dueIncidents(at: now) }
    func deliverable(at now: Timestamp) async throws -> [OutboxMessage] { try await base.deliverable(at: now) }
    func nextDeliveryAttempt(excluding queues: Set<String>) async throws -> Timestamp? {
        try await base.nextDeliveryAttempt(excluding: queues)
    }
}
