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
    let clock: any WallClock
    let wakeup: Wakeup
    let logger: Logger

    /// Longest wait between retries of one message.
    static let maximumBackoffSeconds = 300.0

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let batch = try await store.deliverable(at: clock.now())
                    if batch.isEmpty {
                        let next = try await store.nextDeliveryAttempt()
                        await wakeup.wait(timeout: Self.delay(until: next, now: clock.now()))
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
                    logger.error("outbox: store failed; retrying in 1s", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    private func deliver(_ message: OutboxMessage) async {
        do {
            guard let incident = try await store.incident(message.incidentID) else {
                try await store.markFailed(message, error: "incident not found", at: clock.now())
                return
            }
            let outcome = await transport.deliver(message, incident: incident)
            let now = clock.now()
            switch outcome {
            case .delivered(let ts):
                try await store.markDelivered(message, threadTS: ts, at: now)
            case .retry(let afterSeconds, let reason):
                let wait = afterSeconds ?? Self.backoff(attempt: message.attempts)
                try await store.markRetry(message, retryAt: now.adding(milliseconds: Int64(wait * 1000)), error: reason)
                logger.warning("outbox: will retry", metadata: [
                    "incident": "\(message.incidentID)", "queue": "\(message.queue)", "in_seconds": "\(wait)", "reason": "\(reason)",
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

    /// 1 s, 2 s, 4 s … up to 5 minutes, each scaled by a random 0.5–1.0 so that many
    /// messages failing together do not all come back at the same instant.
    static func backoff(attempt: Int) -> Double {
        let base = min(maximumBackoffSeconds, Double(1 << min(attempt, 16)))
        return base * Double.random(in: 0.5...1.0)
    }

    static func delay(until next: Timestamp?, now: Timestamp) -> Duration {
        guard let next else { return .seconds(3600) }
        return .milliseconds(max(0, next.milliseconds - now.milliseconds))
    }
}

extension OutboxSender: CustomStringConvertible {
    /// Service lifecycle logs every service at start-up; the default description would
    /// spell out every stored property, credentials included.
    var description: String { "OutboxSender" }
}
