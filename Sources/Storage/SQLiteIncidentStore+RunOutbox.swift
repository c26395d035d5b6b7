import GRDB
import Incidents

/// The run outbox: the incident outbox's rules (oldest first per queue, a head that waits
/// holds back its queue, a row marked twice changes nothing) for the messages runs send.
extension SQLiteIncidentStore {
    private static let runQueueHeads = """
        SELECT run_outbox.* FROM run_outbox
        JOIN (SELECT MIN(id) AS id FROM run_outbox WHERE status = 'pending' GROUP BY queue) AS head ON head.id = run_outbox.id
        """

    public func deliverableRunMessages(at now: Timestamp) async throws -> [RunOutboxMessage] {
        try await database.write { db in
            let rows = try Row.fetchAll(db, sql: "\(Self.runQueueHeads) WHERE run_outbox.next_attempt_at <= ? ORDER BY run_outbox.id",
                                        arguments: [now.milliseconds])
            var messages: [RunOutboxMessage] = []
            for row in rows {
                let id: Int64 = row["id"]
                do {
                    let delivery = try JSON.decode(RunDelivery.self, from: row["body"])
                    messages.append(RunOutboxMessage(id: id, runID: ProcedureRun.id(number: row["run_number"]), queue: row["queue"],
                                                     delivery: delivery, attempts: row["attempts"]))
                } catch {
                    // Unreadable (written by a newer binary?): set aside so the queue goes on.
                    try db.execute(sql: "UPDATE run_outbox SET status = 'failed', last_error = ? WHERE id = ?",
                                   arguments: ["cannot be decoded: \(error)", id])
                }
            }
            return messages
        }
    }

    public func nextRunDeliveryAttempt() async throws -> Timestamp? {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM (\(Self.runQueueHeads))").map(Timestamp.init(milliseconds:))
        }
    }

    public func runOutboxQueues() async throws -> [OutboxQueueState] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT queue, COUNT(*), MIN(created_at) FROM run_outbox WHERE status = 'pending' GROUP BY queue ORDER BY queue
                """).map { OutboxQueueState(queue: $0[0], depth: $0[1], oldest: Timestamp(milliseconds: $0[2])) }
        }
    }

    public func markRunDelivered(_ message: RunOutboxMessage, messageTS: String?, at: Timestamp) async throws {
        try await database.write { db in
            guard try Self.markPending(message, status: "delivered", error: nil, at: at, in: db) else { return }
            // The checklist's id is saved with its delivery, so later updates can never miss it.
            guard message.delivery == .postChecklist, let messageTS, let number = ProcedureRun.number(from: message.runID),
                  let row = try RunRow.filter(Column("number") == number).fetchOne(db), var run = try? row.run() else { return }
            run.checklistTS = messageTS
            try RunRow(run, incidentNumber: row.incidentNumber).update(db)
        }
    }

    public func markRunRetry(_ message: RunOutboxMessage, retryAt: Timestamp, error: String) async throws {
        try await database.write { db in
            try db.execute(sql: """
                UPDATE run_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'
                """, arguments: [retryAt.milliseconds, error, message.id])
        }
    }

    public func markRunFailed(_ message: RunOutboxMessage, error: String, at: Timestamp) async throws {
        try await database.write { db in
            guard try Self.markPending(message, status: "failed", error: error, at: at, in: db),
                  let number = ProcedureRun.number(from: message.runID) else { return }
            let text = "\(message.runID): could not deliver a message to \(message.queue): \(error)"
            try db.execute(sql: "INSERT INTO run_line (run_number, at, actor, text) VALUES (?, ?, ?, ?)",
                           arguments: [number, at.milliseconds, IncidentMachine.bot, text])
            if let incident = try Int.fetchOne(db, sql: "SELECT incident_number FROM procedure_run WHERE number = ?", arguments: [number]) {
                try TimelineRow(TimelineEntry(at: at, actor: IncidentMachine.bot, kind: .deliveryFailed, text: text), incidentNumber: incident).insert(db)
            }
        }
    }

    /// Moves a pending row to `status`; false when it was no longer pending.
    private static func markPending(_ message: RunOutboxMessage, status: String, error: String?, at: Timestamp, in db: Database) throws -> Bool {
        try db.execute(sql: """
            UPDATE run_outbox SET status = ?, attempts = attempts + 1, last_error = COALESCE(?, last_error),
              delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
            WHERE id = ? AND status = 'pending'
            """, arguments: [status, error, status, at.milliseconds, message.id])
        return db.changesCount > 0
    }
}
