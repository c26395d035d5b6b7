import Incidents
import PostgresNIO
import Storage

/// The outbox across replicas: only a queue's head may go, and a head is claimed by one
/// replica until it is marked or its claim runs out (`OutboxClaim.window`), when another
/// replica takes it over. So messages leave in order per queue, each sent by one replica
/// at a time.
extension PostgresIncidentStore {
    /// The outbox columns the store reads, in this order.
    static let outboxColumns = "outbox.id, outbox.incident_number, outbox.queue, outbox.body, outbox.status, outbox.attempts, outbox.last_error, outbox.created_at"

    public func deliverable(at now: Timestamp) async throws -> [OutboxMessage] {
        let claimed = try await transaction { connection in
            try await incidentOutbox.claimHeads(at: now, on: connection).reduce(into: [(row: OutboxRow, incidentBody: String?)]()) {
                $0.append((try OutboxRow($1), try $1.makeRandomAccess()["incident_body"].decode(String?.self)))
            }
        }
        // An incident that cannot be read here is left for the sender to read, which sets
        // it aside as damaged.
        let bodies = Dictionary(uniqueKeysWithValues: claimed.compactMap { entry in entry.incidentBody.map { (entry.row.id, $0) } })
        return try await decoded(claimed.map(\.row).sorted { $0.id < $1.id }) { row in
            var message = try row.message()
            message.incident = bodies[row.id].flatMap { outboxIncidents.incident(number: row.incidentNumber, body: $0) }
            return message
        }
    }

    public func outboxQueues() async throws -> [OutboxQueueState] {
        try await read { connection in
            try await connection.query("""
                SELECT queue, COUNT(*), MIN(created_at) FROM outbox
                WHERE status = 'pending' AND damaged IS NULL GROUP BY queue ORDER BY queue
                """, logger: logger).decode((String, Int, Int64).self)
                .reduce(into: []) { $0.append(OutboxQueueState(queue: $1.0, depth: $1.1, oldest: Timestamp(milliseconds: $1.2))) }
        }
    }

    public func nextDeliveryAttempt(excluding queues: Set<String>) async throws -> Timestamp? {
        try await transaction { connection in try await incidentOutbox.nextAttempt(excluding: queues, on: connection) }
    }

    /// Marks the row delivered, whoever sent it (recorded even if the claim had run out).
    /// The other replicas are not woken: this replica's sender claims the queue's next head
    /// itself as soon as its batch is done, and were it to die first, the others' wait for
    /// this head's claim (`OutboxClaim.window`) ends and they take the queue over.
    public func markDelivered(_ message: OutboxMessage, threadTS: String?, at: Timestamp) async throws {
        guard let threadTS, message.delivery.effect == .postCard, message.delivery.destination == .incidentChannel else {
            // One statement, so one round trip: most deliveries are pings and updates.
            try await read { connection in _ = try await markRowDelivered(message.id, at: at, on: connection) }
            return
        }
        // The posted card's timestamp is the incident's thread: saved with the delivery.
        try await transaction { connection in
            guard let incidentNumber = try await markRowDelivered(message.id, at: at, on: connection) else { return }
            let incidents = try await connection.query(
                "SELECT body FROM incident WHERE number = \(incidentNumber) AND damaged IS NULL FOR UPDATE", logger: logger
            ).decode(String.self)
            guard let body = try await incidents.first(where: { _ in true }) else { return }
            guard var incident = try? StoredIncident.decode(body) else {
                try await quarantineIncident(number: incidentNumber, reason: "its record cannot be decoded", on: connection)
                return
            }
            incident.threadTS = threadTS
            try await save(incident, on: connection)
        }
    }

    /// Marks the row delivered if it is still pending; its incident's number, or nil when it
    /// was not (marked already).
    private func markRowDelivered(_ id: Int64, at: Timestamp, on connection: PostgresConnection) async throws -> Int? {
        try await connection.query("""
            UPDATE outbox SET status = 'delivered', delivered_at = \(at.milliseconds), claimed_until = NULL
            WHERE id = \(id) AND status = 'pending' RETURNING incident_number
            """, logger: logger).decode(Int.self).first(where: { _ in true })
    }

    public func markRetry(_ message: OutboxMessage, retryAt: Timestamp, error: String) async throws {
        let now = clock.now()
        try await transaction { connection in
            guard let row = try await pendingRow(message, ownClaimOnly: true, on: connection) else { return }
            try await setRetry(row, at: retryAt, now: now, error: error, on: connection)
        }
    }

    public func markMisconfigured(_ message: OutboxMessage, retryAt: Timestamp, error: String, at: Timestamp) async throws {
        let now = clock.now()
        try await transaction { connection in
            guard let row = try await pendingRow(message, ownClaimOnly: true, on: connection) else { return }
            let firstTime = row.lastError?.hasPrefix(SQLiteIncidentStore.configurationPrefix) != true
            try await setRetry(row, at: retryAt, now: now, error: SQLiteIncidentStore.configurationPrefix + error, on: connection)
            guard firstTime else { return }
            let text = "could not deliver \(SQLiteIncidentStore.name(of: try row.delivery().effect)) to \(row.queue): \(error). It stays queued and is retried until it goes through."
            try await insertTimeline(TimelineEntry(at: at, actor: IncidentMachine.bot, kind: .deliveryFailed, text: text), incidentNumber: row.incidentNumber, on: connection)
            let bodies = try await connection.query(
                "SELECT body FROM incident WHERE number = \(row.incidentNumber) AND damaged IS NULL", logger: logger
            ).decode(String.self)
            guard let body = try await bodies.first(where: { _ in true }), let incident = try? StoredIncident.decode(body) else { return }
            try await insertOutbox(Delivery(.deliveryProblem(text: text), to: .incidentChannel), for: incident, at: at, on: connection)
        }
    }

    public func markFailed(_ message: OutboxMessage, error: String, at: Timestamp) async throws {
        try await transaction { connection in
            guard let row = try await pendingRow(message, ownClaimOnly: true, on: connection) else { return }
            try await connection.query("""
                UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = \(error), claimed_until = NULL
                WHERE id = \(row.id)
                """, logger: logger)
            let text = "could not deliver \(SQLiteIncidentStore.name(of: try row.delivery().effect)) to \(row.queue): \(error)"
            try await insertTimeline(TimelineEntry(at: at, actor: IncidentMachine.bot, kind: .deliveryFailed, text: text), incidentNumber: row.incidentNumber, on: connection)
            try await notify(.outbox, on: connection)
        }
    }

    /// Keeps the row pending until `retryAt`, releases the claim, and wakes the replicas.
    private func setRetry(_ row: OutboxRow, at retryAt: Timestamp, now: Timestamp, error: String, on connection: PostgresConnection) async throws {
        try await incidentOutbox.setRetry(row.id, at: retryAt, now: now, error: error, on: connection)
        try await notify(.outbox, on: connection)
    }

    /// The message's row, locked, if it is still pending (see `ClaimedQueue.lockPending`).
    private func pendingRow(_ message: OutboxMessage, ownClaimOnly: Bool, on connection: PostgresConnection) async throws -> OutboxRow? {
        try await Self.outboxRows(try await incidentOutbox.lockPending(message.id, ownClaimOnly: ownClaimOnly, on: connection)).first
    }

    // MARK: Rows

    struct OutboxRow {
        var id: Int64
        var incidentNumber: Int
        var queue: String
        var body: String
        var status: String
        var attempts: Int
        var lastError: String?
        var createdAt: Int64

        /// A row whose first columns are `outboxColumns` (a claim's have more after them).
        init(_ row: PostgresRow) throws {
            let columns = try row.decode((Int64, Int, String, String, String, Int, String?, Int64).self)
            (id, incidentNumber, queue, body, status, attempts, lastError, createdAt) = columns
        }

        func delivery() throws -> Delivery { try JSON.decode(Delivery.self, from: body) }

        func message() throws -> OutboxMessage {
            OutboxMessage(
                id: id, incidentID: Incident.id(number: incidentNumber), queue: queue, delivery: try delivery(),
                attempts: attempts, createdAt: Timestamp(milliseconds: createdAt)
            )
        }

        func record() throws -> DeliveryRecord {
            guard let status = DeliveryRecord.Status(rawValue: status) else { throw StorageError.corrupt("unknown outbox status \(status)") }
            return DeliveryRecord(id: id, queue: queue, delivery: try delivery(), status: status, attempts: attempts, lastError: lastError)
        }
    }

    static func outboxRows(_ rows: PostgresRowSequence) async throws -> [OutboxRow] {
        try await rows.reduce(into: []) { $0.append(try OutboxRow($1)) }
    }

    /// Outbox rows selected by `clause` (joins, WHERE and ORDER BY with their bindings).
    func outboxRows(_ clause: PostgresQuery) async throws -> [OutboxRow] {
        let query = PostgresQuery(unsafeSQL: "SELECT \(Self.outboxColumns) FROM outbox " + clause.sql, binds: clause.binds)
        return try await read { connection in try await Self.outboxRows(try await connection.query(query, logger: logger)) }
    }

    static func binds(_ values: any PostgresThrowingDynamicTypeEncodable...) throws -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { try binds.append(value) }
        return binds
    }
}
