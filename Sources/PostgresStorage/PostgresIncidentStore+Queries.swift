import Incidents
import PostgresNIO
import Storage

/// Reads: incidents, timelines, deliveries, deadlines, the installation id.
extension PostgresIncidentStore {
    public func installationID() async throws -> String {
        try await read { connection in
            let rows = try await connection.query("SELECT key FROM installation WHERE id = 1", logger: logger).decode(String.self)
            guard let key = try await rows.first(where: { _ in true }) else { throw StorageError.corrupt("the installation id is missing") }
            return key
        }
    }

    public func incident(_ id: String) async throws -> Incident? {
        let rows = try await incidentRows("WHERE id = \(id)")
        guard let row = rows.first else { return nil }
        if let reason = row.damaged { throw DamagedRecordError(id: id, reason: reason) }
        guard let incident = try await incidents(from: rows).first else {
            throw DamagedRecordError(id: id, reason: "its record cannot be decoded")
        }
        return incident
    }

    public func openIncidents(channel: String?) async throws -> [Incident] {
        let rows = if let channel {
            try await incidentRows("WHERE state <> 'resolved' AND damaged IS NULL AND channel = \(channel) ORDER BY number")
        } else {
            try await incidentRows("WHERE state <> 'resolved' AND damaged IS NULL ORDER BY number")
        }
        return try await incidents(from: rows)
    }

    public func resolvedIncidents(since: Timestamp) async throws -> [Incident] {
        try await incidents(from: try await incidentRows("""
            WHERE state = 'resolved' AND resolved_at >= \(since.milliseconds) AND damaged IS NULL
            ORDER BY resolved_at DESC, number DESC
            """))
    }

    public func timeline(_ id: String) async throws -> [TimelineEntry] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT timeline.at, timeline.actor, timeline.kind, timeline.text
                FROM timeline JOIN incident ON incident.number = timeline.incident_number
                WHERE incident.id = \(id) ORDER BY timeline.id
                """, logger: logger).decode((Int64, String, String, String).self)
            var entries: [TimelineEntry] = []
            for try await (at, actor, kind, text) in rows {
                // A line of a kind this binary does not know (written by a newer one) is
                // shown as it was written rather than failing the whole timeline.
                entries.append(TimelineEntry(at: Timestamp(milliseconds: at), actor: actor, kind: TimelineEntry.Kind(rawValue: kind) ?? .update, text: text))
            }
            return entries
        }
    }

    public func deliveries(_ id: String) async throws -> [DeliveryRecord] {
        let rows = try await outboxRows("""
            JOIN incident ON incident.number = outbox.incident_number
            WHERE incident.id = \(id) AND outbox.damaged IS NULL ORDER BY outbox.id
            """)
        return try await decoded(rows) { try $0.record() }
    }

    public func nextDeadline() async throws -> Timestamp? {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT MIN(next_deadline) FROM incident WHERE state <> 'resolved' AND damaged IS NULL", logger: logger
            ).decode(Int64?.self)
            return try await rows.first(where: { _ in true })?.map(Timestamp.init(milliseconds:))
        }
    }

    public func dueIncidents(at now: Timestamp) async throws -> [String] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT id FROM incident WHERE state <> 'resolved' AND next_deadline <= \(now.milliseconds) AND damaged IS NULL
                ORDER BY next_deadline, number
                """, logger: logger).decode(String.self)
            return try await rows.reduce(into: []) { $0.append($1) }
        }
    }

    /// Events, clicks, envelopes and commands seen, kept for their window and pruned as new
    /// keys arrive. The primary key makes two replicas seeing the same key at once agree:
    /// one insert wins, the other waits for it and then inserts nothing.
    public func firstSighting(_ key: String, at now: Timestamp, keepFor: Duration) async throws -> Bool {
        try await read { connection in
            // Rows another replica is pruning right now are left to it, so two pruning
            // replicas never wait on each other.
            try await connection.query("""
                DELETE FROM seen_key WHERE key IN (
                  SELECT key FROM seen_key WHERE seen_at < \(now.adding(.zero - keepFor).milliseconds) FOR UPDATE SKIP LOCKED)
                """, logger: logger)
            let inserted = try await connection.query(
                "INSERT INTO seen_key (key, seen_at) VALUES (\(key), \(now.milliseconds)) ON CONFLICT (key) DO NOTHING RETURNING 1",
                logger: logger
            ).decode(Int.self)
            return try await inserted.first(where: { _ in true }) != nil
        }
    }

    // MARK: Rows

    struct IncidentRow {
        var number: Int
        var id: String
        var body: String
        var damaged: String?
    }

    /// Incident rows selected by `clause` (a WHERE and ORDER BY with their bindings).
    func incidentRows(_ clause: PostgresQuery) async throws -> [IncidentRow] {
        // The clause's binds stay numbered from $1: the prefix has none.
        let finalQuery = PostgresQuery(unsafeSQL: "SELECT number, id, body, damaged FROM incident " + clause.sql, binds: clause.binds)
        return try await read { connection in
            try await connection.query(finalQuery, logger: logger).decode((Int, String, String, String?).self)
                .reduce(into: []) { $0.append(IncidentRow(number: $1.0, id: $1.1, body: $1.2, damaged: $1.3)) }
        }
    }
}
