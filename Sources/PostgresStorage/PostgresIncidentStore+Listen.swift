import Incidents
import PostgresNIO

/// The replicas hear each other's commits through `LISTEN`/`NOTIFY`, on a connection held
/// for the purpose, so none of them polls for new deadlines or outbox messages.
extension PostgresIncidentStore {
    public func listen(listening: @Sendable () async -> Void, _ heard: @Sendable (StoreChange) async -> Void) async throws {
        try await migrated.wait()
        try await inFlight.run { try await listenOnOneConnection(listening: listening, heard) }
    }

    private func listenOnOneConnection(listening: @Sendable () async -> Void, _ heard: @Sendable (StoreChange) async -> Void) async throws {
        try await client.withConnection { connection in
            // The closure runs once the server has confirmed LISTEN.
            try await connection.listen(on: Self.notifyChannel) { notifications in
                await listening()
                for try await notification in notifications {
                    for change in Self.changes(in: notification.payload, heardBy: replica) { await heard(change) }
                }
            }
        }
    }

    /// What a notification's payload, `<change>[,<change>…] <replica>`, tells `replica`:
    /// nothing for its own commits; the changes named; every kind for a payload this binary
    /// does not know, which still means something changed.
    static func changes(in payload: String, heardBy replica: String) -> [StoreChange] {
        let parts = payload.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[1] == replica { return [] }
        let named = parts.first.map { $0.split(separator: ",").map { StoreChange(rawValue: String($0)) } } ?? []
        guard !named.isEmpty, !named.contains(nil) else { return StoreChange.allCases }
        return named.compactMap { $0 }
    }
}
