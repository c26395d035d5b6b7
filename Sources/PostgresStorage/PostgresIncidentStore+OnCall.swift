import Incidents
import PostgresNIO
import Storage

/// On-call overrides recorded from chat, on the database every replica reads, so `/oncall`
/// and the pings agree whichever replica answers.
extension PostgresIncidentStore: OnCallStore {
    static let overrideColumns = "id, rotation, contact, starts_at, ends_at, reason, created_by, created_at"

    public func addOverride(
        rotationID: String, contactID: String, from: Timestamp, until: Timestamp, reason: String?, by actor: String, at now: Timestamp
    ) async throws -> OnCallOverride {
        let rows = try await read { connection in
            try await Self.overrides(try await connection.query("""
                INSERT INTO oncall_override (rotation, contact, starts_at, ends_at, reason, created_by, created_at)
                VALUES (\(rotationID), \(contactID), \(from.milliseconds), \(until.milliseconds), \(reason), \(actor), \(now.milliseconds))
                RETURNING \(unescaped: Self.overrideColumns)
                """, logger: logger))
        }
        guard let added = rows.first else { throw StorageError.corrupt("the override was not saved") }
        return added
    }

    public func cancelOverride(id: Int64, by actor: String, at now: Timestamp) async throws -> OnCallOverride? {
        try await read { connection in
            try await Self.overrides(try await connection.query("""
                UPDATE oncall_override SET cancelled_at = \(now.milliseconds), cancelled_by = \(actor) WHERE id = \(id) AND cancelled_at IS NULL
                RETURNING \(unescaped: Self.overrideColumns)
                """, logger: logger)).first
        }
    }

    public func override(id: Int64) async throws -> OnCallOverride? {
        try await read { connection in
            try await Self.overrides(try await connection.query(
                "SELECT \(unescaped: Self.overrideColumns) FROM oncall_override WHERE id = \(id)", logger: logger
            )).first
        }
    }

    public func overrides(endingAfter instant: Timestamp) async throws -> [OnCallOverride] {
        try await read { connection in
            try await Self.overrides(try await connection.query("""
                SELECT \(unescaped: Self.overrideColumns) FROM oncall_override
                WHERE cancelled_at IS NULL AND ends_at > \(instant.milliseconds) ORDER BY starts_at, id
                """, logger: logger))
        }
    }

    private static func overrides(_ rows: PostgresRowSequence) async throws -> [OnCallOverride] {
        try await rows.decode((Int64, String, String, Int64, Int64, String?, String, Int64).self).reduce(into: []) {
            $0.append(OnCallOverride(
                id: $1.0, rotationID: $1.1, contactID: $1.2, from: Timestamp(milliseconds: $1.3), until: Timestamp(milliseconds: $1.4),
                reason: $1.5, createdBy: $1.6, createdAt: Timestamp(milliseconds: $1.7)
            ))
        }
    }
}
