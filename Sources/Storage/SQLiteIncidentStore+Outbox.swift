import GRDB
import Incidents

/// The outbox: deliveries leave in creation order per queue, and a row is handed out again
/// and again until it is marked delivered or failed.
extension SQLiteIncidentStore {
    /// Each queue's oldest pending row. Only the head may go, so a head that waits holds
    /// back its queue.
    private static let queueHeads = """
        SELECT outbox.* FROM outbox
        JOIN (SELECT MIN(id) AS id FROM outbox WHERE status = 'pending' AND damaged IS NULL GROUP BY queue) AS head
          ON head.id = outbox.id
        """

    public func deliverable(at now: Timestamp) async throws -> [OutboxMessage] {
        let rows = try await database.write { db in
            // Retry times are wall-clock instants. One set after `now` means the clock has
            // stepped back since: count its wait again from now, so a step back of an hour
            // delays a retry by at most its own wait instead of stalling the queue an hour.
            try db.execute(sql: """
                UPDATE outbox SET next_attempt_at = ? + retry_delay_ms, retry_set_at = ?
                WHERE status = 'pending' AND retry_set_at > ?
                """, arguments: [now.milliseconds, now.milliseconds, now.milliseconds])
            return try OutboxRow.fetchAll(
                db, sql: "\(Self.queueHeads) WHERE outbox.next_attempt_at <= ? ORDER BY outbox.id",
                arguments: [now.milliseconds]
            )
        }
        return try await decoded(rows) { try $0.message() }
    }

    public func outboxQueues() async throws -> [OutboxQueueState] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT queue, COUNT(*), MIN(created_at) FROM outbox
                WHERE status = 'pending' AND damaged IS NULL GROUP BY queue ORDER BY queue
                """).map { OutboxQueueState(queue: $0[0], depth: $0[1], oldest: Timestamp(milliseconds: $0[2])) }
        }
    }

    public func nextDeliveryAttempt(excluding queues: Set<String>) async throws -> Timestamp? {
        // Over queue heads only: a later row of a waiting queue cannot go before its head.
        try await database.read { db in
            let excluded = Array(queues)
            let filter = excluded.isEmpty ? "" : " WHERE queue NOT IN (\(databaseQuestionMarks(count: excluded.count)))"
            return try Int64.fetchOne(
                db, sql: "SELECT MIN(next_attempt_at) FROM (\(Self.queueHeads))\(filter)", arguments: StatementArguments(excluded)
            ).map(Timestamp.init(milliseconds:))
        }
    }

    public func markDelivered(_ message: OutboxMessage, threadTS: String?, at: Timestamp) async throws {
        try await database.write { db in
            guard var row = try Self.pendingRow(message, in: db) else { return }
            row.status = DeliveryRecord.Status.delivered.rawValue
            row.deliveredAt = at.milliseconds
            try row.update(db)
            // The posted card's timestamp is the incident's thread: saved with the delivery
            // so a crash cannot leave a delivered card without its thread.
            let delivery = try row.delivery()
            guard let threadTS, delivery.effect == .postCard, delivery.destination == .incidentChannel,
                  let incidentRow = try IncidentRow.fetchOne(db, key: row.incidentNumber) else { return }
            guard var incident = try? incidentRow.incident() else {
                try Self.quarantineIncident(number: incidentRow.number, reason: "its record cannot be decoded", in: db)
                return
            }
            incident.threadTS = threadTS
            try IncidentRow(incident).update(db)
        }
    }

    public func markRetry(_ message: OutboxMessage, retryAt: Timestamp, error: String) async throws {
        let now = clock.now()
        try await database.write { db in
            guard var row = try Self.pendingRow(message, in: db) else { return }
            Self.setRetry(&row, at: retryAt, now: now)
            row.lastError = error
            try row.update(db)
        }
    }

    public func markMisconfigured(_ message: OutboxMessage, retryAt: Timestamp, error: String, at: Timestamp) async throws {
        let now = clock.now()
        try await database.write { db in
            guard var row = try Self.pendingRow(message, in: db) else { return }
            let firstTime = row.lastError?.hasPrefix(Self.configurationPrefix) != true
            Self.setRetry(&row, at: retryAt, now: now)
            row.lastError = Self.configurationPrefix + error
            try row.update(db)
            guard firstTime else { return }
            let text = "could not deliver \(Self.name(of: try row.delivery().effect)) to \(row.queue): \(error). It stays queued and is retried until it goes through."
            let entry = TimelineEntry(at: at, actor: IncidentMachine.bot, kind: .deliveryFailed, text: text)
            try TimelineRow(entry, incidentNumber: row.incidentNumber).insert(db)
            guard let incident = try? IncidentRow.fetchOne(db, key: row.incidentNumber)?.incident() else { return }
            try OutboxRow(Delivery(.deliveryProblem(text: text), to: .incidentChannel), for: incident, at: at).insert(db)
        }
    }

    /// Marks a configuration error in `last_error`, so it is told once, not on every retry.
    package static let configurationPrefix = "configuration: "

    private static func setRetry(_ row: inout OutboxRow, at retryAt: Timestamp, now: Timestamp) {
        row.attempts += 1
        row.nextAttemptAt = retryAt.milliseconds
        row.retrySetAt = now.milliseconds
        row.retryDelayMs = max(0, retryAt.milliseconds - now.milliseconds)
    }

    public func markFailed(_ message: OutboxMessage, error: String, at: Timestamp) async throws {
        try await database.write { db in
            guard var row = try Self.pendingRow(message, in: db) else { return }
            row.status = DeliveryRecord.Status.failed.rawValue
            row.attempts += 1
            row.lastError = error
            try row.update(db)
            let text = "could not deliver \(Self.name(of: try row.delivery().effect)) to \(row.queue): \(error)"
            let entry = TimelineEntry(at: at, actor: IncidentMachine.bot, kind: .deliveryFailed, text: text)
            try TimelineRow(entry, incidentNumber: row.incidentNumber).insert(db)
        }
    }

    /// The message's row if it is still pending. Marking a row twice changes nothing, so a
    /// sender that retries its own bookkeeping cannot duplicate a failure line.
    private static func pendingRow(_ message: OutboxMessage, in db: Database) throws -> OutboxRow? {
        try OutboxRow
            .filter(Column("id") == message.id && Column("status") == DeliveryRecord.Status.pending.rawValue)
            .fetchOne(db)
    }

    /// A short name for the timeline: the reason texts are already in the timeline.
    package static func name(of effect: Effect) -> String {
        switch effect {
        case .postCard: "the incident card"
        case .updateCard: "a card update"
        case .notifyLevel(let level, _, _): "the level \(level) notification"
        case .notifyCritical: "the critical notification"
        case .statusUpdate: "a status update"
        case .reminder: "a reminder"
        case .resolvedNotice: "the resolved notice"
        case .published: "the status-page notice"
        case .deliveryProblem: "a delivery warning"
        case .chainStopped: "the chain-stopped notice"
        case .pageTrigger: "the page"
        case .pageResolve: "the page resolution"
        case .postmortemSummary: "the postmortem summary"
        }
    }
}
