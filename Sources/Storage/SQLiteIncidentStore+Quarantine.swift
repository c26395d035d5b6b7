import GRDB
import Incidents

/// Rows that cannot be decoded (a hand edit, a bad disk, a newer binary's format) are set
/// aside: marked with the reason, logged once with their id, skipped by every query, and
/// listed by `/incident list`. One bad row never stops the scheduler, the outbox or the
/// status page.
extension SQLiteIncidentStore {
    /// The incidents in `rows`, in order, without those that cannot be decoded; those are
    /// quarantined.
    func incidents(from rows: [IncidentRow]) async throws -> [Incident] {
        var incidents: [Incident] = []
        var damaged: [(row: IncidentRow, reason: String)] = []
        for row in rows {
            do { incidents.append(try row.incident()) } catch { damaged.append((row, Self.reason(error))) }
        }
        if !damaged.isEmpty {
            let damaged = damaged
            let newlyDamaged = try await database.write { db in
                try damaged.filter { try Self.quarantineIncident(number: $0.row.number, reason: $0.reason, in: db) }
            }
            for (row, reason) in newlyDamaged { logQuarantined(row.id, reason: reason) }
        }
        return incidents
    }

    /// `rows` decoded by `decode`; outbox rows that cannot be are quarantined.
    func decoded<T>(_ rows: [OutboxRow], _ decode: (OutboxRow) throws -> T) async throws -> [T] {
        var values: [T] = []
        var damaged: [(row: OutboxRow, reason: String)] = []
        for row in rows {
            do { values.append(try decode(row)) } catch { damaged.append((row, Self.reason(error))) }
        }
        if !damaged.isEmpty {
            let damaged = damaged
            let newlyDamaged = try await database.write { db in
                try damaged.filter { entry in
                    try db.execute(
                        sql: "UPDATE outbox SET damaged = ? WHERE id = ? AND damaged IS NULL", arguments: [entry.reason, entry.row.id]
                    )
                    return db.changesCount > 0
                }
            }
            for (row, reason) in newlyDamaged {
                logger.error("store: an outbox message cannot be read; it is set aside and its queue goes on", metadata: [
                    "incident": "\(Incident.id(number: row.incidentNumber))", "outbox_id": "\(row.id ?? -1)", "reason": "\(reason)",
                ])
            }
        }
        return values
    }

    /// Marks the incident damaged; true when it was not already.
    @discardableResult
    static func quarantineIncident(number: Int, reason: String, in db: Database) throws -> Bool {
        try db.execute(sql: "UPDATE incident SET damaged = ?, next_deadline = NULL WHERE number = ? AND damaged IS NULL", arguments: [reason, number])
        return db.changesCount > 0
    }

    func logQuarantined(_ id: String, reason: String) {
        logger.error("store: an incident cannot be read; it is set aside and everything else goes on", metadata: [
            "incident": "\(id)", "reason": "\(reason)",
        ])
    }

    /// A decoding error, short enough for a log line and a list.
    package static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    public func damagedIncidents(channel: String?) async throws -> [DamagedRecord] {
        try await database.read { db in
            let channelFilter = channel == nil ? "" : " AND incident.channel = ?"
            let arguments: StatementArguments = channel.map { [$0, $0] } ?? []
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, damaged FROM incident WHERE damaged IS NOT NULL\(channelFilter)
                UNION ALL
                SELECT incident.id || ' (outbox message ' || outbox.id || ')', outbox.damaged
                FROM outbox JOIN incident ON incident.number = outbox.incident_number
                WHERE outbox.damaged IS NOT NULL\(channelFilter)
                """, arguments: arguments)
            return rows.map { DamagedRecord(id: $0[0], reason: $0[1]) }
        }
    }
}
