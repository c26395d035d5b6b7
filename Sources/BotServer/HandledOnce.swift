import Incidents
import Logging

/// What Slack may deliver twice — events, clicks, Socket Mode envelopes — and incident
/// commands a replayed request would repeat, each handled once. Remembered in the store
/// for two hours, so a redelivery is recognised after a restart too (and by every process
/// on a shared database). A small window in memory answers quick repeats without a write.
final class HandledOnce: Sendable {
    static let keepFor: Duration = .seconds(2 * 3600)

    private let store: any IncidentStore
    private let clock: any BotClock
    private let logger: Logger
    private let recent = SeenEvents(capacity: 10_000)

    init(store: any IncidentStore, clock: any BotClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// True the first time `key` is seen. A store that cannot be written is logged and
    /// the request handled: losing a click is worse than a rare repeat after a restart.
    func firstTime(_ key: String) async -> Bool {
        guard recent.firstTime(key) else { return false }
        do {
            return try await store.firstSighting(key, at: clock.now(), keepFor: Self.keepFor)
        } catch {
            logger.warning("could not record a handled request; handling it anyway", metadata: ["key": "\(key)", "error": "\(error)"])
            return true
        }
    }
}
