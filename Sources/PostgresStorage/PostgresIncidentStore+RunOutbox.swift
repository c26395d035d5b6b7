import Incidents
import PostgresNIO
import Storage

/// The run outbox across replicas, with the incident outbox's rules (`ClaimedQueue`).
extension PostgresIncidentStore {
    static let runOutboxColumns = "run_outbox.id, run_outbox.run_number, run_outbox.queue, run_outbox.body, run_outbox.attempts"

    public func deliverableRunMessages(at now: Timestamp) async throws -> [RunOutboxMessage] {
        try await transaction { connection in
            var messages: [RunOutboxMessage] = []
            var setAside = false
            for row in try await Self.runOutboxRows(try await runOutbox.claimHeads(at: now, on: connection)).sorted(by: { $0.id < $1.id }) {
                do {
                    messages.append(try row.message())
                } catch {
                    // Unreadable (written by a newer binary?): set aside so the queue goes on.
                    try await connection.query("""
                        UPDATE run_outbox SET status = 'failed', last_error = \("cannot be decoded: \(error)"), claimed_until = NULL
                        WHERE id = \(row.id)
                        """, logger: logger)
                    setAside = true
                }
            }
            if setAside { try await notify(.runs, on: connection) }
            return messages
        }
    }

    public func nextRunDeliveryAttempt() async throws -> Timestamp? {
        try await transaction { connection in try await runOutbox.nextAttempt(excluding: [], on: connection) }
    }

    public func runOutboxQueues() async throws -> [OutboxQueueState] {
        try await read { connection in
            try await connection.query("""
                SELECT queue, COUNT(*), MIN(created_at) FROM run_outbox WHERE status = 'pending' GROUP BY queue ORDER BY queue
                """, logger: logger).decode((String, Int, Int64).self)
                .reduce(into: []) { $0.append(OutboxQueueState(queue: $1.0, depth: $1.1, oldest: Timestamp(milliseconds: $1.2))) }
        }
    }

    public func markRunDelivered(_ message: RunOutboxMessage, messageTS: String?, at: Timestamp) async throws {
        try await transaction { connection in
            // Whoever sent it, it was delivered: recorded even if the claim had run out.
            guard try await pendingRunRow(message, ownClaimOnly: false, on: connection) != nil else { return }
            try await connection.query(
                "UPDATE run_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = \(at.milliseconds), claimed_until = NULL WHERE id = \(message.id)",
                logger: logger
            )
            try await notify(.runs, on: connection)
            // The checklist's id is saved with its delivery, so later updates can never miss it.
            guard message.delivery == .postChecklist, let messageTS, let number = ProcedureRun.number(from: message.runID) else { return }
            let rows = try await connection.query(
                "SELECT incident_number, body FROM procedure_run WHERE number = \(number) AND damaged IS NULL FOR UPDATE", logger: logger
            ).decode((Int?, String).self)
            guard let (incidentNumber, body) = try await rows.first(where: { _ in true }),
                  var run = try? JSON.decode(ProcedureRun.self, from: body) else { return }
            run.checklistTS = messageTS
            try await saveRun(run, incidentNumber: incidentNumber, on: connection)
        }
    }

    public func markRunRetry(_ message: RunOutboxMessage, retryAt: Timestamp, error: String) async throws {
        let now = clock.now()
        try await transaction { connection in
            guard try await pendingRunRow(message, ownClaimOnly: true, on: connection) != nil else { return }
            try await runOutbox.setRetry(message.id, at: retryAt, now: now, error: error, on: connection)
            try await notify(.runs, on: connection)
        }
    }

    public func markRunFailed(_ message: RunOutboxMessage, error: String, at: Timestamp) async throws {
        try await transaction { connection in
            guard let row = try await pendingRunRow(message, ownClaimOnly: true, on: connection) else { return }
            try await connection.query("""
                UPDATE run_outbox SET status = 'failed', attempts = attempts + 1, last_error = \(error), claimed_until = NULL
                WHERE id = \(message.id)
                """, logger: logger)
            let incidentNumber = try await connection.query(
                "SELECT incident_number FROM procedure_run WHERE number = \(row.runNumber)", logger: logger
            ).decode(Int?.self).first(where: { _ in true }) ?? nil
            let text = "\(message.runID): could not deliver a message to \(message.queue): \(error)"
            try await insertRunLine(TimelineEntry(at: at, actor: IncidentMachine.bot, kind: .deliveryFailed, text: text),
                                    runNumber: row.runNumber, incidentNumber: incidentNumber, on: connection)
            try await notify(.runs, on: connection)
        }
    }

    /// The message's row, locked, if it is still pending (see `ClaimedQueue.lockPending`).
    private func pendingRunRow(_ message: RunOutboxMessage, ownClaimOnly: Bool, on connection: PostgresConnection) async throws -> RunOutboxRow? {
        try await Self.runOutboxRows(try await runOutbox.lockPending(message.id, ownClaimOnly: ownClaimOnly, on: connection)).first
    }

    struct RunOutboxRow {
        var id: Int64
        var runNumber: Int
        var queue: String
        var body: String
        var attempts: Int

        func message() throws -> RunOutboxMessage {
            RunOutboxMessage(id: id, runID: ProcedureRun.id(number: runNumber), queue: queue,
                             delivery: try JSON.decode(RunDelivery.self, from: body), attempts: attempts)
        }
    }

    static func runOutboxRows(_ rows: PostgresRowSequence) async throws -> [RunOutboxRow] {
        try await rows.decode((Int64, Int, String, String, Int).self).reduce(into: []) {
            $0.append(RunOutboxRow(id: $1.0, runNumber: $1.1, queue: $1.2, body: $1.3, attempts: $1.4))
        }
    }
}
