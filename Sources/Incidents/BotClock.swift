import Foundation

/// The one clock of the bot: wall time, for deadlines that must survive restarts, and a way
/// to sleep until one of them. The scheduler, the outbox sender, the store, the desk and the
/// caches all take it, so a test can advance time instead of sleeping.
public protocol BotClock: Sendable {
    func now() -> Timestamp
    /// Returns once `now()` has reached `deadline`; throws `CancellationError` when cancelled.
    func sleep(until deadline: Timestamp) async throws
}

extension BotClock {
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now().adding(duration))
    }
}

/// The machine's clock.
public struct SystemClock: BotClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(seconds: Date().timeIntervalSince1970)
    }

    public func sleep(until deadline: Timestamp) async throws {
        let milliseconds = deadline.milliseconds - now().milliseconds
        if milliseconds > 0 {
            try await Task.sleep(for: .milliseconds(milliseconds))
        } else {
            try Task.checkCancellation()
        }
    }
}
