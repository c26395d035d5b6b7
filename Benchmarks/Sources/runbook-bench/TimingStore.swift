import Foundation
import Incidents
import Synchronization

/// Wraps a store and notes, for every escalation the scheduler saves, how long after its
/// deadline the transaction committed.
final class TimingStore: IncidentStore {
    let base: any IncidentStore
    private let state = Mutex<(fired: Int, lateness: [Double])>((0, []))

    init(base: any IncidentStore) {
        self.base = base
    }

    var fired: Int { state.withLock { $0.fired } }
    var lateness: [Double] { state.withLock { $0.lateness } }
    func reset() { state.withLock { $0 = (0, []) } }

    func update(_ id: String, _ change: @Sendable (Incident) throws -> Change?) async throws -> UpdateResult {
        let deadline = Mutex<Timestamp?>(nil)
        let result = try await base.update(id) { incident in
            deadline.withLock { $0 = EscalationPlanner.nextEscalation(incident) }
            return try change(incident)
        }
        let committed = SystemClock().now()
        if let saved = result.saved, saved.transition.timeline.contains(where: { $0.kind == .escalated }),
           let due = deadline.withLock({ $0 }) {
            state.withLock {
                $0.fired += 1
                $0.lateness.append(Double(committed.milliseconds - due.milliseconds))
            }
        }
        return result
    }

    func declare(_ make: @Sendable (Int) throws -> Change) async throws -> Incident { try await base.declare(make) }
    func installationID() async throws -> String { try await base.installationID() }
    func incident(_ id: String) async throws -> Incident? { try await base.incident(id) }
    func openIncidents(channel: String?) async throws -> [Incident] { try await base.openIncidents(channel: channel) }
    func resolvedIncidents(since: Timestamp) async throws -> [Incident] { try await base.resolvedIncidents(since: since) }
    func timeline(_ id: String) async throws -> [TimelineEntry] { try await base.timeline(id) }
    func deliveries(_ id: String) async throws -> [DeliveryRecord] { try await base.deliveries(id) }
    func nextDeadline() async throws -> Timestamp? { try await base.nextDeadline() }
    func dueIncidents(at now: Timestamp) async throws -> [String] { try await base.dueIncidents(at: now) }
    func deliverable(at now: Timestamp) async throws -> [OutboxMessage] { try await base.deliverable(at: now) }
    func nextDeliveryAttempt(excluding queues: Set<String>) async throws -> Timestamp? {
        try await base.nextDeliveryAttempt(excluding: queues)
    }
    func markDelivered(_ message: OutboxMessage, threadTS: String?, at: Timestamp) async throws {
        try await base.markDelivered(message, threadTS: threadTS, at: at)
    }
    func markRetry(_ message: OutboxMessage, retryAt: Timestamp, error: String) async throws {
        try await base.markRetry(message, retryAt: retryAt, error: error)
    }
    func markMisconfigured(_ message: OutboxMessage, retryAt: Timestamp, error: String, at: Timestamp) async throws {
        try await base.markMisconfigured(message, retryAt: retryAt, error: error, at: at)
    }
    func firstSighting(_ key: String, at now: Timestamp, keepFor: Duration) async throws -> Bool {
        try await base.firstSighting(key, at: now, keepFor: keepFor)
    }
    func outboxQueues() async throws -> [OutboxQueueState] { try await base.outboxQueues() }
    func damagedIncidents(channel: String?) async throws -> [DamagedRecord] { try await base.damagedIncidents(channel: channel) }
    func markFailed(_ message: OutboxMessage, error: String, at: Timestamp) async throws {
        try await base.markFailed(message, error: error, at: at)
    }
}
