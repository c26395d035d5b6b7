/// How one delivery attempt went, as the outbox needs to know it.
enum DeliveryOutcome: Equatable, Sendable {
    /// Done; for a posted message, its `ts`.
    case delivered(ts: String?)
    /// Try again: after the server's `Retry-After` when it gave one, else with backoff.
    case retry(afterSeconds: Double?, reason: String)
    /// Will never succeed (`channel_not_found`, a 400 from PagerDuty): record and move on.
    case failed(reason: String)
}
