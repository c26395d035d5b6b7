import Incidents
import Logging
import ServiceLifecycle

/// Delivers the outbox: oldest first within each queue (one per Slack channel, one for
/// PagerDuty), queues side by side. Rate limits wait `Retry-After`; 5xx and connection
/// errors back off exponentially with jitter; final errors are recorded and skipped.
/// Everything it knows is in the store, so a restart picks up where it stopped.
struct OutboxSender: Service {
    let store: any IncidentStore
    let transport: any Transport
    let clock: any BotClock
    let wakeup: Wakeup
    let logger: Logger
    var backoff = Backoff.delivery
    /// How long to wait before asking a failing store again.
    var storeRetry: Duration = .seconds(1)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let batch = try await store.deliverable(at: clock.now())
                    if batch.isEmpty {
                        await wakeup.wait(until: try await store.nextDeliveryAttempt())
                        continue
                    }
                    await withTaskGroup(of: Void.self) { group in
                        for message in batch {
                            // Not cancelled by shutdown: a message handed to Slack must also be
                            // marked, or it would be sent again after the restart.
                            group.addTask { await Task { await deliver(message) }.value }
                        }
                    }
                } catch {
                    logger.error("outbox: store failed; retrying", metadata: ["error": "\(error)", "in": "\(storeRetry)"])
                    try? await clock.sleep(for: storeRetry)
                }
            }
        }
    }

    /// One attempt at one message, and its outcome recorded.
    func deliver(_ message: OutboxMessage) async {
        do {
            guard let incident = try await store.incident(message.incidentID) else {
                try await store.markFailed(message, error: "incident not found", at: clock.now())
                return
            }
            let outcome = await transport.deliver(message, incident: incident)
            let now = clock.now()
            switch outcome {
            case .delivered(let messageID):
                try await store.markDelivered(message, threadTS: messageID, at: now)
            case .retry(let after, let reason):
                let wait = after ?? backoff.delay(afterFailures: message.attempts + 1)
                try await store.markRetry(message, retryAt: now.adding(wait), error: reason)
                logger.warning("outbox: will retry", metadata: [
                    "incident": "\(message.incidentID)", "queue": "\(message.queue)", "in": "\(wait)", "reason": "\(reason)",
                ])
            case .failed(let reason):
                try await store.markFailed(message, error: reason, at: now)
                logger.error("outbox: delivery failed for good", metadata: [
                    "incident": "\(message.incidentID)", "queue": "\(message.queue)", "reason": "\(reason)",
                ])
            }
        } catch {
            logger.error("outbox: could not record a delivery", metadata: ["error": "\(error)"])
        }
    }
}

extension OutboxSender: CustomStringConvertible {
    var description: String { "OutboxSender" }
}
