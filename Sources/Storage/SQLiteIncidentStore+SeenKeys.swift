import GRDB
import Incidents

/// De-duplication that survives restarts: one row per key handled, pruned by age as new
/// keys arrive.
extension SQLiteIncidentStore {
    public func firstSighting(_ key: String, at now: Timestamp, keepFor: Duration) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM seen_key WHERE seen_at < ?", arguments: [now.adding(.zero - keepFor).milliseconds])
            try db.execute(sql: "INSERT OR IGNORE INTO seen_key (key, seen_at) VALUES (?, ?)", arguments: [key, now.milliseconds])
            return db.changesCount > 0
        }
    }
}
