import Incidents
import Logging
import ServiceLifecycle
import Synchronization

/// On a store that replicas share, wakes this replica's scheduler and sender when another
/// replica commits a change that concerns them, and sweeps every `sweepInterval` in case a
/// notification was lost (a dropped connection, a restart of the database). While the link
/// is down it reconnects with backoff, and wakes both loops once it is back.
struct SharedStoreWakeups: Service {
    let store: any SharedIncidentStore
    let scheduler: Wakeup
    let outbox: Wakeup
    /// The run outbox's sender, when runs are kept.
    var runOutbox: Wakeup? = nil
    let clock: any BotClock
    let logger: Logger
    var sweepInterval: Duration = Self.defaultSweepInterval
    var backoff = Backoff.reconnect

    static let defaultSweepInterval: Duration = .seconds(30)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await listen() }
                group.addTask { await sweep() }
            }
        }
    }

    private func listen() async {
        // Failures in a row; hearing anything resets it.
        let failures = Mutex(0)
        while !Task.isCancelled {
            do {
                try await store.listen { change in
                    failures.withLock { $0 = 0 }
                    switch change {
                    case .deadlines: await scheduler.signal()
                    case .outbox: await outbox.signal()
                    case .runs: await runOutbox?.signal()
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                failures.withLock { $0 += 1 }
                logger.warning("replicas: lost the notification link to the database; reconnecting", metadata: ["error": "\(error)"])
            }
            // Whatever was committed while nobody listened is looked at now.
            await wakeBoth()
            try? await clock.sleep(for: backoff.delay(afterFailures: max(1, failures.withLock { $0 })))
        }
    }

    private func sweep() async {
        while !Task.isCancelled {
            guard (try? await clock.sleep(for: sweepInterval)) != nil else { return }
            await wakeBoth()
        }
    }

    private func wakeBoth() async {
        await scheduler.signal()
        await outbox.signal()
        await runOutbox?.signal()
    }
}

extension SharedStoreWakeups: CustomStringConvertible {
    var description: String { "SharedStoreWakeups" }
}
