/// How one delivery attempt went, as the outbox needs to know it. Every transport (Slack,
/// PagerDuty, the console in local mode) answers in these terms.
public enum DeliveryOutcome: Equatable, Sendable {
    /// Done; for a posted message, the chat's id for it (Slack's `ts`).
    case delivered(messageID: String?)
    /// Try again: after `retryAfter` when the other side gave one, else with backoff.
    case retry(after: Duration?, reason: String)
    /// Will never succeed (`channel_not_found`, a 400 from PagerDuty): record and move on.
    case failed(reason: String)
    /// Refused for a reason only a person can fix (a wrong PagerDuty routing key): kept
    /// pending and tried again on the longest backoff, so nothing is lost once it is fixed.
    case misconfigured(reason: String)
}
