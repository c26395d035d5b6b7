/// What changed in a store that other processes write to as well.
public enum StoreChange: String, Sendable, CaseIterable {
    /// An incident's next deadline, or a durable timer, may have moved.
    case deadlines
    /// The incident outbox has new messages, or a queue's head was released.
    case outbox
    /// The run outbox has new messages, or a queue's head was released.
    case runs
}

/// A store several replicas share. Each replica hears the others' changes, so none of them
/// needs a polling cycle to notice new deadlines or outbox messages.
public protocol SharedIncidentStore: IncidentStore {
    /// Calls `heard` for each change any replica commits, until cancelled. Throws when the
    /// link to the database is lost; changes made meanwhile are not heard, so the caller
    /// treats a new call as "anything may have changed". `listening` is called once the
    /// link is up: every change committed from then on is heard.
    func listen(listening: @Sendable () async -> Void, _ heard: @Sendable (StoreChange) async -> Void) async throws
}

extension SharedIncidentStore {
    public func listen(_ heard: @Sendable (StoreChange) async -> Void) async throws {
        try await listen(listening: {}, heard)
    }
}
