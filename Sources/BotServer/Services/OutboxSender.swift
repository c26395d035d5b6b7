import Incidents
import Logging
import ServiceLifecycle

/// Delivers the outbox: oldest first within each queue (one per Slack channel, one for
/// PagerDuty), queues side by side. Rate limits wait `Retry-After`; 5xx and connection
/// errors back off exponentially with jitter; final errors are recorded and skipped.
/// Everything it knows is in the store, so a restart picks up where it stopped. When an
/// outcome cannot be recorded, its queue holds and the recording is retried with backoff:
/// a message is never sent again because writing down its delivery failed.
struct OutboxSender: Service {
    let store: any IncidentStore
    let transport: any Transport
    let clock: any BotClock
    let wakeup: Wakeup
    let logger: Logger
    var backoff = Backoff.delivery
    /// How long to wait before asking a failing store again.
    var storeRetry: Duration = .seconds(1)
    let unrecorded = UnrecordedOutcomes()
    var metrics: BotMetrics?

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    await recordHeldOutcomes()
                    let held = unrecorded.heldQueues
                    let batch = try await store.deliverable(at: clock.now()).filter { !held.contains($0.queue) }
                    if batch.isEmpty {
                        let next = [try await store.nextDeliveryAttempt(excluding: held), unrecorded.nextRetry].compactMap { $0 }.min()
                        await wakeup.wait(until: next)
                        continue
                    }
                    let readFailures = await withTaskGroup(of: Bool.self) { group in
                        for message in batch {
                            // Not cancelled by shutdown: a message handed to Slack must also be
                            // marked, or it would be sent again after the restart.
                            group.addTask { await Task { await deliver(message) }.value }
                        }
                        return await group.reduce(0) { $0 + ($1 ? 0 : 1) }
                    }
                    // A store that cannot be read is asked again after a pause, not at once.
                    if readFailures > 0 { try await clock.sleep(for: storeRetry) }
                } catch is CancellationError {
                    break  // shutting down: the store stopped a read it was asked for
                } catch {
                    logger.error("outbox: store failed; retrying", metadata: ["error": "\(error)", "in": "\(storeRetry)"])
                    try? await clock.sleep(for: storeRetry)
                }
            }
        }
    }

    /// One attempt at one message, and its outcome recorded. False when the store could not
    /// be read.
    @discardableResult
    func deliver(_ message: OutboxMessage) async -> Bool {
        let outcome: DeliveryOutcome
        do {
            let read = if let incident = message.incident { incident } else { try await store.incident(message.incidentID) }
            guard let incident = read else {
                try await store.markFailed(message, error: "incident not found", at: clock.now())
                return true
            }
            outcome = await transport.deliver(message, incident: incident)
        } catch let damaged as DamagedRecordError {
            // The incident is quarantined: its messages cannot be rendered, so they are
            // recorded as failed and the queue goes on.
            try? await store.markFailed(message, error: "the incident's record is damaged (\(damaged.reason))", at: clock.now())
            return true
        } catch {
            logger.error("outbox: could not read the incident", metadata: ["incident": "\(message.incidentID)", "error": "\(error)"])
            return false
        }
        do {
            try await record(outcome, of: message)
        } catch {
            let retryAt = clock.now().adding(backoff.delay(afterFailures: 1))
            unrecorded.hold(message, outcome, failures: 1, retryAt: retryAt)
            logger.error("outbox: could not record a delivery; its queue waits until it is recorded", metadata: [
                "incident": "\(message.incidentID)", "queue": "\(message.queue)", "error": "\(error)",
            ])
        }
        return true
    }

    /// Tries again to write down outcomes that could not be recorded, each on its own backoff.
    func recordHeldOutcomes() async {
        for entry in unrecorded.due(at: clock.now()) {
            do {
                try await record(entry.outcome, of: entry.message)
                unrecorded.release(entry.message)
            } catch {
                let failures = entry.failures + 1
                unrecorded.hold(entry.message, entry.outcome, failures: failures, retryAt: clock.now().adding(backoff.delay(afterFailures: failures)))
                logger.error("outbox: still cannot record a delivery", metadata: [
                    "incident": "\(entry.message.incidentID)", "queue": "\(entry.message.queue)", "error": "\(error)",
                ])
            }
        }
    }

    private func record(_ outcome: DeliveryOutcome, of message: OutboxMessage) async throws {
        let now = clock.now()
        if let kind = outcome.errorKind {
            metrics?.deliveryError(service: String(message.queue.prefix { $0 != ":" }), kind: kind)
        }
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
        case .misconfigured(let reason):
            // Backs off like any failure, up to five minutes between tries: the page goes out
            // on the first try after someone fixes the setting.
            let wait = backoff.delay(afterFailures: message.attempts + 1)
            try await store.markMisconfigured(message, retryAt: now.adding(wait), error: reason, at: now)
            logger.error("outbox: refused for a configuration error; kept queued and retried", metadata: [
                "incident": "\(message.incidentID)", "queue": "\(message.queue)", "in": "\(wait)", "reason": "\(reason)",
            ])
        }
    }
}

extension OutboxSender: CustomStringConvertible {
    var description: String { "OutboxSender" }
}

extension DeliveryOutcome {
    /// The metrics label for an outcome that is not a delivery.
    var errorKind: String? {
        switch self {
        case .delivered: nil
        case .retry(let after, _): after == nil ? "retryable" : "rate_limited"
        case .failed: "final"
        case .misconfigured: "misconfigured"
        }
    }
}
