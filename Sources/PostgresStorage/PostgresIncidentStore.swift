import Foundation
import Incidents
import Logging
import PostgresNIO
import ServiceLifecycle
import Storage

/// The incident store on PostgreSQL, for any number of replicas sharing one database.
/// Every change is one transaction, as on SQLite; what SQLite gets from having one writer,
/// this store gets from row locks: the incident counter's row serialises declarations, an
/// incident's row serialises its changes, due incidents are claimed with `SKIP LOCKED`, and
/// an outbox head is claimed by one replica for `OutboxClaim.window`. Every commit that
/// moves a deadline or fills the outbox notifies the other replicas.
///
/// It is a `Service`: `run()` runs the connection pool and migrates the schema at start-up;
/// calls made before the migration finished wait for it.
public final class PostgresIncidentStore: SharedIncidentStore, Service {
    let client: PostgresClient
    let clock: any BotClock
    let logger: Logger
    let migrated = StartupGate()
    let inFlight = InFlightOperations()
    /// Marks this replica's outbox claims, so it releases only its own.
    let replica = UUID().uuidString

    /// How long stopping waits for calls in progress, and then for the pool to close.
    static let stopWait: Duration = .seconds(5)

    /// The channel of `NOTIFY` the replicas hear each other on.
    static let notifyChannel = "runbook_bot"

    public init(configuration: PostgresClient.Configuration, clock: any BotClock, logger: Logger = Logger(label: "runbook-bot.storage")) {
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        try await client.whileRunning(closeTimeout: Self.stopWait, logger: logger) {
            do {
                let ran = try await PostgresSchema.migrate(client, logger: logger)
                if !ran.isEmpty { logger.info("store: PostgreSQL schema migrated", metadata: ["migrations": "\(ran.joined(separator: ","))"]) }
                await migrated.finish(nil)
            } catch {
                await migrated.finish(error)
                logger.error("store: cannot reach or migrate the PostgreSQL database", metadata: ["error": "\(String(reflecting: error))"])
                throw error
            }
            // Serves until graceful shutdown or cancellation (services stop in reverse order,
            // so normally after everything that uses it); after that, calls fail at once
            // instead of waiting for a connection that will never come.
            try? await gracefulShutdown()
            if !(await inFlight.stop(waitingAtMost: Self.stopWait)) {
                logger.warning("store: calls still running when the store stopped; closing anyway", metadata: ["waited": "\(Self.stopWait)"])
            }
        }
    }

    /// One transaction, once the schema is ready.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await migrated.wait()
        return try await inFlight.run { try await client.inTransaction(logger: logger, body) }
    }

    /// One statement outside any explicit transaction, once the schema is ready.
    func read<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await migrated.wait()
        return try await inFlight.run { try await client.withConnection(body) }
    }

    // MARK: Changes

    public func declare(_ make: @Sendable (Int) throws -> Change) async throws -> Incident {
        try await transaction { connection in
            let number = try await nextNumber(.incidents, on: connection)
            let change = try make(number)
            let incident = change.transition.incident
            guard incident.number == number else { throw StorageError.numberMismatch(expected: number, got: incident.number) }
            let row = try StoredIncident(incident)
            try await connection.query("""
                INSERT INTO incident (number, id, channel, state, declared_at, resolved_at, next_deadline, body)
                VALUES (\(row.number), \(row.id), \(row.channel), \(row.state), \(row.declaredAt), \(row.resolvedAt), \(row.nextDeadline), \(row.body))
                """, logger: logger)
            try await append(change, to: incident, at: incident.declaredAt, on: connection)
            return incident
        }
    }

    public func update(_ id: String, _ change: @Sendable (Incident) throws -> Change?) async throws -> UpdateResult {
        let now = clock.now()
        let outcome = try await transaction { connection -> UpdateResult in
            let rows = try await connection.query(
                "SELECT number, body, damaged FROM incident WHERE id = \(id) FOR UPDATE", logger: logger
            ).decode((Int, String, String?).self)
            guard let (number, body, damaged) = try await rows.first(where: { _ in true }) else { return .notFound }
            return try await apply(change, number: number, body: body, damaged: damaged, now: now, on: connection)
        }
        if case .damaged(let reason) = outcome { logQuarantined(id, reason: reason) }
        return outcome
    }

    /// Each due incident in a transaction of its own, locked with `SKIP LOCKED`: an incident
    /// another replica is firing (or a user is changing) is passed over here, and met again
    /// on the next pass if it is still due.
    public func updateDue(
        at now: Timestamp, _ change: @Sendable (Incident) throws -> Change?, committed: (String, UpdateResult) async -> Void
    ) async throws {
        var seen: [Int] = []
        while true {
            let seenSoFar = seen
            let next = try await transaction { connection -> (number: Int, id: String, result: UpdateResult)? in
                let rows = try await connection.query("""
                    SELECT number, id, body FROM incident
                    WHERE state <> 'resolved' AND damaged IS NULL AND next_deadline <= \(now.milliseconds)
                      AND NOT (number = ANY(\(seenSoFar)))
                    ORDER BY next_deadline, number LIMIT 1
                    FOR UPDATE SKIP LOCKED
                    """, logger: logger).decode((Int, String, String).self)
                guard let (number, id, body) = try await rows.first(where: { _ in true }) else { return nil }
                return (number, id, try await apply(change, number: number, body: body, damaged: nil, now: now, on: connection))
            }
            guard let next else { return }
            seen.append(next.number)
            if case .damaged(let reason) = next.result { logQuarantined(next.id, reason: reason) }
            await committed(next.id, next.result)
        }
    }

    /// The numbered things, each with a counter row and the table it numbers.
    enum Counter: String {
        case incidents = "incident_counter", runs = "run_counter"

        var table: String { self == .incidents ? "incident" : "procedure_run" }
    }

    /// The next number, in the caller's transaction. The counter's row lock, held to commit,
    /// orders the callers across replicas; a rolled-back caller leaves no gap, and a lost
    /// counter row is recreated from the table it numbers, so numbers never repeat.
    func nextNumber(_ counter: Counter, on connection: PostgresConnection) async throws -> Int {
        try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(counter.rawValue) (id, last) SELECT 1, COALESCE(MAX(number), 0) FROM \(counter.table)
            ON CONFLICT (id) DO NOTHING
            """), logger: logger)
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "UPDATE \(counter.rawValue) SET last = last + 1 WHERE id = 1 RETURNING last"), logger: logger
        ).decode(Int.self)
        guard let number = try await rows.first(where: { _ in true }) else {
            throw StorageError.corrupt("the \(counter.rawValue) row cannot be read")
        }
        return number
    }

    /// Decodes the locked row, lets `change` decide and saves the result, in the caller's transaction.
    private func apply(
        _ change: @Sendable (Incident) throws -> Change?, number: Int, body: String, damaged: String?, now: Timestamp,
        on connection: PostgresConnection
    ) async throws -> UpdateResult {
        if let damaged { return .damaged(reason: damaged) }
        let stored: Incident
        do {
            stored = try StoredIncident.decode(body)
        } catch {
            // Set aside in this same transaction, so the scheduler does not meet it again.
            let reason = SQLiteIncidentStore.reason(error)
            try await quarantineIncident(number: number, reason: reason, on: connection)
            return .damaged(reason: reason)
        }
        guard let result = try change(stored) else { return .unchanged }
        let incident = result.transition.incident
        guard incident.number == number else { throw StorageError.numberMismatch(expected: number, got: incident.number) }
        try await save(incident, on: connection)
        // Deliveries are stamped with the transition's time; a transition without timeline
        // lines has none, so the clock stands in.
        let created = result.transition.timeline.map(\.at).max() ?? now
        try await append(result, to: incident, at: created, on: connection)
        return .saved(result)
    }

    /// Rewrites the incident's row; every column is derived from the incident.
    func save(_ incident: Incident, on connection: PostgresConnection) async throws {
        let row = try StoredIncident(incident)
        try await connection.query("""
            UPDATE incident SET channel = \(row.channel), state = \(row.state), declared_at = \(row.declaredAt),
              resolved_at = \(row.resolvedAt), next_deadline = \(row.nextDeadline), body = \(row.body)
            WHERE number = \(row.number)
            """, logger: logger)
    }

    /// Appends a change's timeline lines, queues its deliveries as pending, and tells the other
    /// replicas (the notification leaves at commit, and not at all on rollback).
    func append(_ change: Change, to incident: Incident, at created: Timestamp, on connection: PostgresConnection) async throws {
        for entry in change.transition.timeline {
            try await insertTimeline(entry, incidentNumber: incident.number, on: connection)
        }
        for delivery in change.deliveries {
            try await insertOutbox(delivery, for: incident, at: created, on: connection)
        }
        try await notify(.deadlines, on: connection)
        if !change.deliveries.isEmpty { try await notify(.outbox, on: connection) }
    }

    func insertTimeline(_ entry: TimelineEntry, incidentNumber: Int, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO timeline (incident_number, at, actor, kind, text)
            VALUES (\(incidentNumber), \(entry.at.milliseconds), \(entry.actor), \(entry.kind.rawValue), \(entry.text))
            """, logger: logger)
    }

    func insertOutbox(_ delivery: Delivery, for incident: Incident, at created: Timestamp, on connection: PostgresConnection) async throws {
        let body = try JSON.encode(delivery)
        try await connection.query("""
            INSERT INTO outbox (incident_number, queue, body, status, attempts, next_attempt_at, created_at)
            VALUES (\(incident.number), \(delivery.destination.queue(for: incident)), \(body), 'pending', 0, \(created.milliseconds), \(created.milliseconds))
            """, logger: logger)
    }

    /// Tells the other replicas at commit. The payload names this replica: it hears its own
    /// commits through its own loops' signals already, as a single process on SQLite does,
    /// and waking on them too made every commit cost each of its loops another query.
    func notify(_ change: StoreChange, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(Self.notifyChannel), \("\(change.rawValue) \(replica)"))", logger: logger)
    }
}

/// The store's connection pool has stopped: the bot is shutting down.
public struct StoreStoppedError: Error, CustomStringConvertible {
    public var description: String { "the PostgreSQL store has stopped" }
}

/// The columns of an incident's row, derived from the incident as the SQLite store does.
typealias StoredIncident = Storage.IncidentRow

extension Storage.IncidentRow {
    static func decode(_ body: String) throws -> Incident {
        try JSON.decode(Incident.self, from: body)
    }
}
