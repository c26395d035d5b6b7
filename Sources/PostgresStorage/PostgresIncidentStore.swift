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
    /// Incidents as the outbox last read them (see `DecodedIncidents`).
    let outboxIncidents = DecodedIncidents()

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
            var writes = ChangeWrites()
            try writes.add(change, created: incident.declaredAt, rewritesRow: false)
            try await write(writes, on: connection)
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
            var writes = ChangeWrites()
            let result = try decide(change, number: number, body: body, damaged: damaged, now: now, into: &writes)
            try await write(writes, on: connection)
            return result
        }
        if case .damaged(let reason) = outcome { logQuarantined(id, reason: reason) }
        return outcome
    }

    /// Due incidents in transactions of up to `dueBatch`, locked with `SKIP LOCKED`: an
    /// incident another replica is firing (or a user is changing) is passed over here, and
    /// met again on the next pass if it is still due. Replicas behind a burst of deadlines
    /// share it out batch by batch. A batch that fails is tried again one incident at a
    /// time, so one incident's fault holds back only that incident.
    public func updateDue(
        at now: Timestamp, _ change: @Sendable (Incident) throws -> Change?, committed: (String, UpdateResult) async -> Void
    ) async throws {
        var seen: [Int] = []
        var batchSize = Self.dueBatch
        var firstFailure: (any Error)?
        // The incident being decided, so a failure one at a time knows whose it was.
        var deciding: (number: Int, id: String)?
        while true {
            let seenSoFar = seen, limit = batchSize
            let fired: [(number: Int, id: String, result: UpdateResult)]
            do {
                fired = try await transaction { connection in
                    let rows = try await connection.query("""
                        SELECT number, id, body FROM incident
                        WHERE state <> 'resolved' AND damaged IS NULL AND next_deadline <= \(now.milliseconds)
                          AND NOT (number = ANY(\(seenSoFar)))
                        ORDER BY next_deadline, number LIMIT \(limit)
                        FOR UPDATE SKIP LOCKED
                        """, logger: logger).decode((Int, String, String).self)
                    var writes = ChangeWrites()
                    var fired: [(number: Int, id: String, result: UpdateResult)] = []
                    for try await (number, id, body) in rows {
                        deciding = (number, id)
                        fired.append((number, id, try decide(change, number: number, body: body, damaged: nil, now: now, into: &writes)))
                    }
                    try await write(writes, on: connection)
                    return fired
                }
            } catch where !(error is CancellationError) {
                if batchSize > 1 {
                    logger.warning("store: a batch of due incidents failed; firing them one at a time", metadata: ["error": "\(error)"])
                    batchSize = 1
                } else if let (number, id) = deciding {
                    logger.error("store: a due incident could not be fired; the others go on", metadata: ["incident": "\(id)", "error": "\(error)"])
                    seen.append(number)
                    firstFailure = firstFailure ?? error
                } else {
                    throw error  // the store itself failed
                }
                deciding = nil
                continue
            }
            deciding = nil
            seen += fired.map(\.number)
            for (_, id, result) in fired {
                if case .damaged(let reason) = result { logQuarantined(id, reason: reason) }
                await committed(id, result)
            }
            // Fewer than asked for: nothing else was due and free when the batch was taken.
            if fired.count < limit { break }
        }
        // The caller waits before trying again, rather than meeting the same fault at once.
        if let firstFailure { throw firstFailure }
    }

    /// How many due incidents one transaction fires at most: enough to catch up after a
    /// burst in few round trips, few enough that the replicas share a burst between them
    /// and that the first ping of a batch does not wait long for the last.
    static let dueBatch = 16

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

    /// Decodes the locked row and lets `change` decide; what it decides joins `writes`, which
    /// the caller writes in the same transaction.
    private func decide(
        _ change: @Sendable (Incident) throws -> Change?, number: Int, body: String, damaged: String?, now: Timestamp,
        into writes: inout ChangeWrites
    ) throws -> UpdateResult {
        if let damaged { return .damaged(reason: damaged) }
        let stored: Incident
        do {
            stored = try StoredIncident.decode(body)
        } catch {
            // Set aside in this same transaction, so the scheduler does not meet it again.
            let reason = SQLiteIncidentStore.reason(error)
            writes.quarantined.append((number, reason))
            return .damaged(reason: reason)
        }
        guard let result = try change(stored) else { return .unchanged }
        let incident = result.transition.incident
        guard incident.number == number else { throw StorageError.numberMismatch(expected: number, got: incident.number) }
        // Deliveries are stamped with the transition's time; a transition without timeline
        // lines has none, so the clock stands in.
        try writes.add(result, created: result.transition.timeline.map(\.at).max() ?? now)
        return .saved(result)
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
