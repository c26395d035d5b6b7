/// Exponential backoff with jitter: `first`, twice that, and so on up to `longest`, each
/// scaled by a random 0.5–1.0 so that many things failing together do not all come back
/// at the same instant. The one policy for every retry loop in the bot.
public struct Backoff: Sendable {
    public var first: Duration
    public var longest: Duration

    public init(first: Duration, longest: Duration) {
        self.first = first
        self.longest = longest
    }

    /// The wait before try number `attempt + 1`, after `attempt` failures (0 before any).
    public func delay(afterFailures failures: Int, jitter: Double = .random(in: 0.5...1.0)) -> Duration {
        let doubled = first * (1 << min(max(failures - 1, 0), 20))
        return min(longest, doubled) * jitter
    }

    /// Outbox deliveries: 1 s up to 5 minutes.
    public static let delivery = Backoff(first: .seconds(1), longest: .seconds(300))
    /// Reconnecting a chat link: 0.5 s up to a minute.
    public static let reconnect = Backoff(first: .milliseconds(500), longest: .seconds(60))
}
