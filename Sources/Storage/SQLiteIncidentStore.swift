import Foundation
import GRDB
import Incidents

/// The incident store on one SQLite file (WAL mode, so reads never wait for the writer).
/// Every change is one write transaction: the incident, its timeline, its next deadline and
/// its outbox rows are saved together or not at all. Nothing is kept only in memory.
public final class SQLiteIncidentStore: IncidentStore {
    let dbPool: DatabasePool

    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        dbPool = try DatabasePool(path: path)
        try Schema.migrator.migrate(dbPool)
    }

    // MARK: Changes

    public func declare(_ make: @Sendable (Int) throws -> Change) async throws -> Incident {
        try await dbPool.write { db in
            // Taking the number inside the transaction serialises declarations; a `make`
            // that throws rolls the counter back with everything else.
            try db.execute(sql: "UPDATE incident_counter SET last = last + 1 WHERE id = 1")
            let number = try Int.fetchOne(db, sql: "SELECT last FROM incident_counter WHERE id = 1")!
            let change = try make(number)
            let incident = change.transition.incident
            guard incident.number == number else { throw StorageError.numberMismatch(expected: number, got: incident.number) }
            try IncidentRow(incident).insert(db)
            try Self.append(change, to: incident, in: db, at: incident.declaredAt)
            return incident
        }
    }

    public func update(_ id: String, _ change: @Sendable (Incident) throws -> Change?) async throws -> Change?? {
        try await dbPool.write { db -> Change?? in
            guard let row = try IncidentRow.filter(Column("id") == id).fetchOne(db) else { return .none }
            guard let result = try change(try row.incident()) else { return .some(nil) }
            let incident = result.transition.incident
            guard incident.number == row.number else { throw StorageError.numberMismatch(expected: row.number, got: incident.number) }
            try IncidentRow(incident).update(db)
            // Deliveries are stamped with the transition's time; a transition without
            // timeline lines has none, so the wall clock stands in.
            let created = result.transition.timeline.map(\.at).max() ?? Self.wallClock()
            try Self.append(result, to: incident, in: db, at: created)
            return .some(result)
        }
    }

    /// Appends a change's timeline lines and queues its deliveries as pending.
    static func append(_ change: Change, to incident: Incident, in db: Database, at created: Timestamp) throws {
        for entry in change.transition.timeline {
            try TimelineRow(entry, incidentNumber: incident.number).insert(db)
        }
        for delivery in change.deliveries {
            try OutboxRow(delivery, for: incident, at: created).insert(db)
        }
    }

    static func wallClock() -> Timestamp {
        Timestamp(seconds: Date().timeIntervalSince1970)
    }

    // MARK: Queries

    public func incident(_ id: String) async throws -> Incident? {
        try await dbPool.read { db in
            try IncidentRow.filter(Column("id") == id).fetchOne(db)?.incident()
        }
    }

    public func openIncidents(channel: String?) async throws -> [Incident] {
        try await dbPool.read { db in
            var request = IncidentRow.filter(Column("state") != IncidentState.resolved.rawValue)
            if let channel { request = request.filter(Column("channel") == channel) }
            return try request.order(Column("number")).fetchAll(db).map { try $0.incident() }
        }
    }

    public func resolvedIncidents(since: Timestamp) async throws -> [Incident] {
        try await dbPool.read { db in
            try IncidentRow
                .filter(Column("state") == IncidentState.resolved.rawValue && Column("resolved_at") >= since.milliseconds)
                .order(Column("resolved_at").desc, Column("number").desc)
                .fetchAll(db).map { try $0.incident() }
        }
    }

    public func timeline(_ id: String) async throws -> [TimelineEntry] {
        try await dbPool.read { db in
            try TimelineRow.fetchAll(db, sql: """
                SELECT timeline.* FROM timeline JOIN incident ON incident.number = timeline.incident_number
                WHERE incident.id = ? ORDER BY timeline.id
                """, arguments: [id]).map { try $0.entry() }
        }
    }

    public func deliveries(_ id: String) async throws -> [DeliveryRecord] {
        try await dbPool.read { db in
            try OutboxRow.fetchAll(db, sql: """
                SELECT outbox.* FROM outbox JOIN incident ON incident.number = outbox.incident_number
                WHERE incident.id = ? ORDER BY outbox.id
                """, arguments: [id]).map { try $0.record() }
        }
    }

    // MARK: Scheduling

    public func nextDeadline() async throws -> Timestamp? {
        try await dbPool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_deadline) FROM incident WHERE state != ?", arguments: [IncidentState.resolved.rawValue])
                .map(Timestamp.init(milliseconds:))
        }
    }

    public func dueIncidents(at now: Timestamp) async throws -> [String] {
        try await dbPool.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM incident WHERE state != ? AND next_deadline <= ?
                ORDER BY next_deadline, number
                """, arguments: [IncidentState.resolved.rawValue, now.milliseconds])
        }
    }
}
