import Foundation
import GRDB
import Incidents
import Logging

/// The incident store on SQLite (a WAL file in production, so reads never wait for the
/// writer; any GRDB `DatabaseWriter`, an in-memory queue in tests). Every change is one
/// write transaction: the incident, its timeline, its next deadline and its outbox rows are
/// saved together or not at all. Nothing is kept only in memory.
public final class SQLiteIncidentStore: IncidentStore {
    let database: any DatabaseWriter
    let clock: any BotClock
    /// Says once, with the row's id, when a row is quarantined.
    let logger: Logger

    /// How long a write waits for another connection's lock before it fails, in seconds.
    public static let busyTimeout: TimeInterval = 5

    /// Opens the store on `database`, migrating it to the current schema first.
    public init(database: any DatabaseWriter, clock: any BotClock, logger: Logger = Logger(label: "runbook-bot.storage")) throws {
        self.database = database
        self.clock = clock
        self.logger = logger
        try Schema.migrator.migrate(database)
    }

    /// Opens (creating when needed) the SQLite file at `path`. Incidents name people and
    /// systems: a directory the store creates is the owner's only (0700), and so is a new
    /// database file (0600; SQLite gives its WAL and shared-memory files the same mode).
    public convenience init(path: String, clock: any BotClock, logger: Logger = Logger(label: "runbook-bot.storage")) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        // Another connection holding the write lock makes a write wait, not fail at once.
        configuration.busyMode = .timeout(Self.busyTimeout)
        try self.init(database: try DatabasePool(path: path, configuration: configuration), clock: clock, logger: logger)
    }

    // MARK: Changes

    public func declare(_ make: @Sendable (Int) throws -> Change) async throws -> Incident {
        try await database.write { db in
            // Taking the number inside the transaction serialises declarations; a `make`
            // that throws rolls the counter back with everything else.
            // A counter row lost to a hand edit is recreated from the incidents themselves, so
            // numbers still never repeat.
            try db.execute(sql: """
                INSERT INTO incident_counter (id, last)
                SELECT 1, (SELECT COALESCE(MAX(number), 0) FROM incident)
                WHERE NOT EXISTS (SELECT 1 FROM incident_counter WHERE id = 1)
                """)
            try db.execute(sql: "UPDATE incident_counter SET last = last + 1 WHERE id = 1")
            guard let number = try Int.fetchOne(db, sql: "SELECT last FROM incident_counter WHERE id = 1") else {
                throw StorageError.corrupt("the incident counter cannot be read")
            }
            let change = try make(number)
            let incident = change.transition.incident
            guard incident.number == number else { throw StorageError.numberMismatch(expected: number, got: incident.number) }
            try IncidentRow(incident).insert(db)
            try Self.append(change, to: incident, in: db, at: incident.declaredAt)
            return incident
        }
    }

    public func update(_ id: String, _ change: @Sendable (Incident) throws -> Change?) async throws -> UpdateResult {
        let now = clock.now()
        let outcome = try await database.write { db -> UpdateResult in
            guard let row = try IncidentRow.filter(Column("id") == id).fetchOne(db) else { return .notFound }
            if let reason = row.damaged { return .damaged(reason: reason) }
            let stored: Incident
            do {
                stored = try row.incident()
            } catch {
                // Set aside in this same transaction, so the scheduler does not meet it again.
                let reason = Self.reason(error)
                try Self.quarantineIncident(number: row.number, reason: reason, in: db)
                return .damaged(reason: reason)
            }
            guard let result = try change(stored) else { return .unchanged }
            let incident = result.transition.incident
            guard incident.number == row.number else { throw StorageError.numberMismatch(expected: row.number, got: incident.number) }
            try IncidentRow(incident).update(db)
            // Deliveries are stamped with the transition's time; a transition without
            // timeline lines has none, so the clock stands in.
            let created = result.transition.timeline.map(\.at).max() ?? now
            try Self.append(result, to: incident, in: db, at: created)
            return .saved(result)
        }
        if case .damaged(let reason) = outcome { logQuarantined(id, reason: reason) }
        return outcome
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

    // MARK: Queries

    public func installationID() async throws -> String {
        try await database.read { db in
            guard let key = try String.fetchOne(db, sql: "SELECT key FROM installation WHERE id = 1") else {
                throw StorageError.corrupt("the installation id is missing")
            }
            return key
        }
    }

    public func incident(_ id: String) async throws -> Incident? {
        guard let row = try await database.read({ db in try IncidentRow.filter(Column("id") == id).fetchOne(db) }) else { return nil }
        if let reason = row.damaged { throw DamagedRecordError(id: id, reason: reason) }
        guard let incident = try await incidents(from: [row]).first else {
            throw DamagedRecordError(id: id, reason: "its record cannot be decoded")
        }
        return incident
    }

    public func openIncidents(channel: String?) async throws -> [Incident] {
        let rows = try await database.read { db in
            var request = IncidentRow.filter(Column("state") != IncidentState.resolved.rawValue && Column("damaged") == nil)
            if let channel { request = request.filter(Column("channel") == channel) }
            return try request.order(Column("number")).fetchAll(db)
        }
        return try await incidents(from: rows)
    }

    public func resolvedIncidents(since: Timestamp) async throws -> [Incident] {
        let rows = try await database.read { db in
            try IncidentRow
                .filter(Column("state") == IncidentState.resolved.rawValue && Column("resolved_at") >= since.milliseconds)
                .filter(Column("damaged") == nil)
                .order(Column("resolved_at").desc, Column("number").desc)
                .fetchAll(db)
        }
        return try await incidents(from: rows)
    }

    public func timeline(_ id: String) async throws -> [TimelineEntry] {
        try await database.read { db in
            try TimelineRow.fetchAll(db, sql: """
                SELECT timeline.* FROM timeline JOIN incident ON incident.number = timeline.incident_number
                WHERE incident.id = ? ORDER BY timeline.id
                """, arguments: [id]).map { row in
                    // A line of a kind this binary does not know (written by a newer one) is
                    // shown as it was written rather than failing the whole timeline.
                    (try? row.entry()) ?? TimelineEntry(at: Timestamp(milliseconds: row.at), actor: row.actor, kind: .update, text: row.text)
                }
        }
    }

    public func deliveries(_ id: String) async throws -> [DeliveryRecord] {
        let rows = try await database.read { db in
            try OutboxRow.fetchAll(db, sql: """
                SELECT outbox.* FROM outbox JOIN incident ON incident.number = outbox.incident_number
                WHERE incident.id = ? AND outbox.damaged IS NULL ORDER BY outbox.id
                """, arguments: [id])
        }
        return try await decoded(rows) { try $0.record() }
    }

    // MARK: Scheduling

    public func nextDeadline() async throws -> Timestamp? {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_deadline) FROM incident WHERE state != ? AND damaged IS NULL", arguments: [IncidentState.resolved.rawValue])
                .map(Timestamp.init(milliseconds:))
        }
    }

    public func dueIncidents(at now: Timestamp) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM incident WHERE state != ? AND next_deadline <= ? AND damaged IS NULL
                ORDER BY next_deadline, number
                """, arguments: [IncidentState.resolved.rawValue, now.milliseconds])
        }
    }
}
