import Incidents
import Logging
import ServiceLifecycle
import Slack

/// Delivers the run outbox (checklists, their updates in place, step escalation pings, watch
/// questions, summaries) with the incident outbox's rules: oldest first per channel, rate
/// limits and server errors retried with backoff, final errors recorded in the run's timeline.
struct RunOutboxSender: Service {
    let store: any RunStore
    let incidents: any IncidentStore
    /// Posts to Slack, or to the log in local mode.
    let post: @Sendable (SlackPost) async -> DeliveryOutcome
    let clock: any BotClock
    let wakeup: Wakeup
    let logger: Logger
    let times: TimeFormatter
    var backoff = Backoff.delivery
    var storeRetry: Duration = .seconds(1)
    /// Said once at start-up (procedures never drilled, drills long ago, slow steps).
    var startupNotes: @Sendable () async -> [String] = { [] }

    func run() async throws {
        for note in await startupNotes() { logger.warning("drill warning: \(note)") }
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let batch = try await store.deliverableRunMessages(at: clock.now())
                    if batch.isEmpty {
                        await wakeup.wait(until: try await store.nextRunDeliveryAttempt())
                        continue
                    }
                    await withTaskGroup(of: Void.self) { group in
                        for message in batch {
                            // Not cancelled by shutdown: a message handed to Slack must also be marked.
                            group.addTask { await Task { await deliver(message) }.value }
                        }
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.error("run outbox: store failed; retrying", metadata: ["error": "\(error)", "in": "\(storeRetry)"])
                    try? await clock.sleep(for: storeRetry)
                }
            }
        }
    }

    /// One attempt at one message, and its outcome recorded.
    func deliver(_ message: RunOutboxMessage) async {
        let now = clock.now()
        do {
            guard let run = try await store.run(message.runID) else {
                try await store.markRunFailed(message, error: "run not found", at: now)
                return
            }
            let thread = try await run.incidentID.asyncMap { try await incidents.incident($0)?.threadTS } ?? nil
            let slackPost: SlackPost
            do {
                guard let built = try SlackRunPosts.post(for: message.delivery, run: run, incidentThreadTS: thread, now: now, times: times) else {
                    try await store.markRunFailed(message, error: "nothing to post", at: now)
                    return
                }
                slackPost = built
            } catch {
                // The thread or the checklist is on its way through a queue of its own: wait for it.
                try await store.markRunRetry(message, retryAt: now.adding(backoff.delay(afterFailures: message.attempts + 1)), error: "\(error)")
                return
            }
            switch await post(slackPost) {
            case .delivered(let ts):
                // Local mode has no message ids: one is made up so updates can be shown.
                try await store.markRunDelivered(message, messageTS: ts ?? "local.\(run.id)", at: clock.now())
            case .retry(let after, let reason):
                let wait = after ?? backoff.delay(afterFailures: message.attempts + 1)
                try await store.markRunRetry(message, retryAt: clock.now().adding(wait), error: reason)
                logger.warning("run outbox: will retry", metadata: ["run": "\(message.runID)", "queue": "\(message.queue)", "in": "\(wait)", "reason": "\(reason)"])
            case .failed(let reason), .misconfigured(let reason):
                try await store.markRunFailed(message, error: reason, at: clock.now())
                logger.error("run outbox: delivery failed for good", metadata: ["run": "\(message.runID)", "queue": "\(message.queue)", "reason": "\(reason)"])
            }
        } catch {
            logger.error("run outbox: could not deliver or record", metadata: ["run": "\(message.runID)", "error": "\(error)"])
            try? await clock.sleep(for: storeRetry)
        }
    }
}

extension RunOutboxSender: CustomStringConvertible {
    var description: String { "RunOutboxSender" }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
