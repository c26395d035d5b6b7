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
                    // `<change> <replica>`: this replica's own commits are skipped. A payload
                    // this binary does not know still means something changed.
                    let parts = notification.payload.split(separator: " ", maxSplits: 1)
                    if parts.count == 2, parts[1] == replica { continue }
                    if let kind = parts.first, let change = StoreChange(rawValue: String(kind)) {
                        await heard(change)
                    } else {
                        await heard(.deadlines)
                        await heard(.outbox)
                    }
                }
            }
        }
    }
}
