import Incidents
import Synchronization

/// Outcomes of deliveries that happened but could not be written down (a locked database,
/// a full disk). Until one is recorded, its queue sends nothing more: the message is never
/// sent again while its last attempt is unrecorded, and recording is retried with backoff.
final class UnrecordedOutcomes: Sendable {
    struct Entry: Sendable {
        var message: OutboxMessage
        var outcome: DeliveryOutcome
        var failures: Int
        var retryAt: Timestamp
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    func hold(_ message: OutboxMessage, _ outcome: DeliveryOutcome, failures: Int, retryAt: Timestamp) {
        entries.withLock { $0[message.id] = Entry(message: message, outcome: outcome, failures: failures, retryAt: retryAt) }
    }

    func release(_ message: OutboxMessage) {
        entries.withLock { _ = $0.removeValue(forKey: message.id) }
    }

    /// Those whose next try at recording has come.
    func due(at now: Timestamp) -> [Entry] {
        entries.withLock { $0.values.filter { $0.retryAt <= now }.sorted { $0.message.id < $1.message.id } }
    }

    /// Queues that must wait for a recording before they send again.
    var heldQueues: Set<String> {
        entries.withLock { Set($0.values.map(\.message.queue)) }
    }

    var nextRetry: Timestamp? {
        entries.withLock { $0.values.map(\.retryAt).min() }
    }
}
