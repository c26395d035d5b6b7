import Incidents
import PostgresNIO
import Storage

/// Rows that cannot be decoded are set aside as on SQLite: marked with the reason, logged
/// once with their id, skipped by every query, listed by `/incident list`.
extension PostgresIncidentStore {
    /// The incidents in `rows`, in order, without those that cannot be decoded; those are quarantined.
    func incidents(from rows: [IncidentRow]) async throws -> [Incident] {
        var incidents: [Incident] = []
        var damaged: [(row: IncidentRow, reason: String)] = []
        for row in rows where row.damaged == nil {
            do { incidents.append(try StoredIncident.decode(row.body)) } catch { damaged.append((row, SQLiteIncidentStore.reason(error))) }
        }
        if !damaged.isEmpty {
            let damaged = damaged
            let newlyDamaged = try await transaction { connection in
                var newly: [(id: String, reason: String)] = []
                for entry in damaged where try await quarantineIncident(number: entry.row.number, reason: entry.reason, on: connection) {
                    newly.append((entry.row.id, entry.reason))
                }
                return newly
            }
            for (id, reason) in newlyDamaged { logQuarantined(id, reason: reason) }
        }
        return incidents
    }

    /// `rows` decoded by `decode`; outbox rows that cannot be are quarantined.
    func decoded<T>(_ rows: [OutboxRow], _ decode: (OutboxRow) throws -> T) async throws -> [T] {
        var values: [T] = []
        var damaged: [(row: OutboxRow, reason: String)] = []
        for row in rows {
            do { values.append(try decode(row)) } catch { damaged.append((row, SQLiteIncidentStore.reason(error))) }
        }
        if !damaged.isEmpty {
            let damaged = damaged
            let newlyDamaged = try await transaction { connection in
                var newly: [(row: OutboxRow, reason: String)] = []
                for entry in damaged {
                    let marked = try await connection.query(
                        "UPDATE outbox SET damaged = \(entry.reason), claimed_until = NULL WHERE id = \(entry.row.id) AND damaged IS NULL RETURNING 1",
                        logger: logger
                    ).decode(Int.self)
                    if try await marked.first(where: { _ in true }) != nil { newly.append(entry) }
                }
                // The queue's next message is its head now.
                if !newly.isEmpty { try await notify(.outbox, on: connection) }
                return newly
            }
            for (row, reason) in newlyDamaged {
                logger.error("store: an outbox message cannot be read; it is set aside and its queue goes on", metadata: [
                    "incident": "\(Incident.id(number: row.incidentNumber))", "outbox_id": "\(row.id)", "reason": "\(reason)",
                ])
            }
        }
        return values
    }

    /// Marks the incident damaged; true when it was not already.
    @discardableResult
    func quarantineIncident(number: Int, reason: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "UPDATE incident SET damaged = \(reason), next_deadline = NULL WHERE number = \(number) AND damaged IS NULL RETURNING 1",
            logger: logger
        ).decode(Int.self)
        return try await rows.first(where: { _ in true }) != nil
    }

    func logQuarantined(_ id: String, reason: String) {
        logger.error("store: an incident cannot be read; it is set aside and everything else goes on", metadata: [
            "incident": "\(id)", "reason": "\(reason)",
        ])
    }

    public func damagedIncidents(channel: String?) async throws -> [DamagedRecord] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT id, damaged FROM incident WHERE damaged IS NOT NULL AND (\(channel)::text IS NULL OR channel = \(channel))
                UNION ALL
                SELECT incident.id || ' (outbox message ' || outbox.id || ')', outbox.damaged
                FROM outbox JOIN incident ON incident.number = outbox.incident_number
                WHERE outbox.damaged IS NOT NULL AND (\(channel)::text IS NULL OR incident.channel = \(channel))
                """, logger: logger).decode((String, String).self)
            return try await rows.reduce(into: []) { $0.append(DamagedRecord(id: $1.0, reason: $1.1)) }
        }
    }
}
