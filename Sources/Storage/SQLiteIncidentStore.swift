import Foundation
import GRDB
import Incidents

/// The incident store on SQLite (a WAL file in production, so reads never wait for the
/// writer; any GRDB `DatabaseWriter`, an in-memory queue in tests). Every change is one
/// write transaction: the incident, its timeline, its next deadline and its outbox rows are
/// saved together or not at all. Nothing is kept only in memory.
public final class SQLiteIncidentStore: IncidentStore {
    let database: any DatabaseWriter
    let clock: any BotClock

    /// How long a write waits for another connection's lock before it fails, in seconds.
    public static let busyTimeout: TimeInterval = 5

    /// Opens the store on `database`, migrating it to the current schema first.
    public init(database: any DatabaseWriter, clock: any BotClock) throws {
        self.database = database
        self.clock = clock
        try Schema.migrator.migrate(database)
    }

    /// Opens (creating when needed) the SQLite file at `path`. Incidents name people and
    /// systems: a directory the store creates is the owner's only (0700), and so is a new
    /// database file (0600; SQLite gives its WAL and shared-memory files the same mode).
    public convenience init(path: String, clock: any BotClock) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        // Another connection holding the write lock makes a write wait, not fail at once.
        configuration.busyMode = .timeout(Self.busyTimeout)
        try self.init(database: try DatabasePool(path: path, configuration: configuration), clock: clock)
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
        return try await database.write { db -> UpdateResult in
            guard let row = try IncidentRow.filter(Column("id") == id).fetchOne(db) else { return .notFound }
            guard let result = try change(try row.incident()) else { return .unchanged }
            let incident = result.transition.incident
            guard incident.number == row.number else { throw StorageError.numberMismatch(expected: row.number, got: incident.number) }
            try IncidentRow(incident).update(db)
            // Deliveries are stamped with the transition's time; a transition without
            // timeline lines has none, so the clock stands in.
            let created = result.transition.timeline.map(\.at).max() ?? now
            try Self.append(result, to: incident, in: db, at: created)
            return .saved(result)
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
        try await database.read { db in
            try IncidentRow.filter(Column("id") == id).fetchOne(db)?.incident()
        }
    }

    public func openIncidents(channel: String?) async throws -> [Incident] {
        try await database.read { db in
            var request = IncidentRow.filter(Column("state") != IncidentState.resolved.rawValue)
            if let channel { request = request.filter(Column("channel") == channel) }
            return try request.order(Column("number")).fetchAll(db).map { try $0.incident() }
        }
    }

    public func resolvedIncidents(since: Timestamp) async throws -> [Incident] {
        try await database.read { db in
            try IncidentRow
                .filter(Column("state") == IncidentState.resolved.rawValue && Column("resolved_at") >= since.milliseconds)
                .order(Column("resolved_at").desc, Column("number").desc)
                .fetchAll(db).map { try $0.incident() }
        }
    }

    public func timeline(_ id: String) async throws -> [TimelineEntry] {
        try await database.read { db in
            try TimelineRow.fetchAll(db, sql: """
                SELECT timeline.* FROM timeline JOIN incident ON incident.number = timeline.incident_number
                WHERE incident.id = ? ORDER BY timeline.id
                """, arguments: [id]).map { try $0.entry() }
        }
    }

    public func deliveries(_ id: String) async throws -> [DeliveryRecord] {
        try await database.read { db in
            try OutboxRow.fetchAll(db, sql: """
                SELECT outbox.* FROM outbox JOIN incident ON incident.number = outbox.incident_number
                WHERE incident.id = ? ORDER BY outbox.id
                """, arguments: [id]).map { try $0.record() }
        }
    }

    // MARK: Scheduling

    public func nextDeadline() async throws -> Timestamp? {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_deadline) FROM incident WHERE state != ?", arguments: [IncidentState.resolved.rawValue])
                .map(Timestamp.init(milliseconds:))
        }
    }

    public func dueIncidents(at now: Timestamp) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM incident WHERE state != ? AND next_deadline <= ?
                ORDER BY next_deadline, number
                """, arguments: [IncidentState.resolved.rawValue, now.milliseconds])
        }
    }
}
