import GRDB
import Incidents

/// On-call overrides recorded from chat, in the same database as the incidents.
extension SQLiteIncidentStore: OnCallStore {
    public func addOverride(
        rotationID: String, contactID: String, from: Timestamp, until: Timestamp, reason: String?, by actor: String, at now: Timestamp
    ) async throws -> OnCallOverride {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO oncall_override (rotation, contact, starts_at, ends_at, reason, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [rotationID, contactID, from.milliseconds, until.milliseconds, reason, actor, now.milliseconds]
            )
            return OnCallOverride(
                id: db.lastInsertedRowID, rotationID: rotationID, contactID: contactID, from: from, until: until, reason: reason,
                createdBy: actor, createdAt: now
            )
        }
    }

    public func cancelOverride(id: Int64, by actor: String, at now: Timestamp) async throws -> OnCallOverride? {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE oncall_override SET cancelled_at = ?, cancelled_by = ? WHERE id = ? AND cancelled_at IS NULL",
                arguments: [now.milliseconds, actor, id]
            )
            guard db.changesCount > 0 else { return nil }
            return try Self.override(id: id, in: db)
        }
    }

    public func override(id: Int64) async throws -> OnCallOverride? {
        try await database.read { db in try Self.override(id: id, in: db) }
    }

    public func overrides(endingAfter instant: Timestamp) async throws -> [OnCallOverride] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM oncall_override WHERE cancelled_at IS NULL AND ends_at > ? ORDER BY starts_at, id",
                arguments: [instant.milliseconds]
            ).map(Self.override(from:))
        }
    }

    private static func override(id: Int64, in db: Database) throws -> OnCallOverride? {
        try Row.fetchOne(db, sql: "SELECT * FROM oncall_override WHERE id = ?", arguments: [id]).map(override(from:))
    }

    private static func override(from row: Row) -> OnCallOverride {
        OnCallOverride(
            id: row["id"], rotationID: row["rotation"], contactID: row["contact"],
            from: Timestamp(milliseconds: row["starts_at"]), until: Timestamp(milliseconds: row["ends_at"]),
            reason: row["reason"], createdBy: row["created_by"], createdAt: Timestamp(milliseconds: row["created_at"])
        )
    }
}
