import GRDB
import Incidents

/// Durable timers: rows of `durable_timer`, fired by the scheduler.
extension SQLiteIncidentStore: TimerStore {
    public func setTimer(_ timer: DurableTimer) async throws {
        try await database.write { db in try Self.setTimer(timer, in: db) }
    }

    public func cancelTimer(_ key: String) async throws {
        try await database.write { db in try Self.cancelTimer(key, in: db) }
    }

    public func nextTimerDue() async throws -> Timestamp? {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(due_at) FROM durable_timer").map(Timestamp.init(milliseconds:))
        }
    }

    public func dueTimers(at now: Timestamp, limit: Int) async throws -> [DurableTimer] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT key, due_at, kind, payload FROM durable_timer WHERE due_at <= ? ORDER BY due_at, key LIMIT ?",
                             arguments: [now.milliseconds, limit]).map {
                DurableTimer(key: $0[0], dueAt: Timestamp(milliseconds: $0[1]), kind: $0[2], payload: $0[3])
            }
        }
    }

    public func finishTimer(_ timer: DurableTimer) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM durable_timer WHERE key = ? AND due_at = ?", arguments: [timer.key, timer.dueAt.milliseconds])
        }
    }

    /// Inside another write, so a change and its timer are saved together.
    static func setTimer(_ timer: DurableTimer, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO durable_timer (key, due_at, kind, payload) VALUES (?, ?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload
            """, arguments: [timer.key, timer.dueAt.milliseconds, timer.kind, timer.payload])
    }

    static func cancelTimer(_ key: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM durable_timer WHERE key = ?", arguments: [key])
    }
}
