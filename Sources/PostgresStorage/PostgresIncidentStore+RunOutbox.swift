import Incidents
import PostgresNIO
import Storage

/// The run outbox across replicas, with the incident outbox's rules: only a queue's head may
/// go, a head is claimed by one replica until it is marked or its claim runs out
/// (`OutboxClaim.window`), and a row marked twice changes nothing.
extension PostgresIncidentStore {
    static let runOutboxColumns = "run_outbox.id, run_outbox.run_number, run_outbox.queue, run_outbox.body, run_outbox.attempts"

    public func deliverableRunMessages(at now: Timestamp) async throws -> [RunOutboxMessage] {
        let claimUntil = now.adding(OutboxClaim.window).milliseconds
        return try await transaction { connection in
            // A retry time set after `now` means the clock stepped back: count its wait from now.
            try await connection.query("""
                UPDATE run_outbox SET next_attempt_at = \(now.milliseconds) + retry_delay_ms, retry_set_at = \(now.milliseconds)
                WHERE status = 'pending' AND retry_set_at > \(now.milliseconds)
                """, logger: logger)
            let claimed = try await connection.query(PostgresQuery(unsafeSQL: """
                UPDATE run_outbox SET claimed_until = $1, claim_token = $2
                FROM (SELECT DISTINCT ON (queue) id FROM run_outbox WHERE status = 'pending' ORDER BY queue, id) AS head
                WHERE run_outbox.id = head.id AND run_outbox.status = 'pending' AND run_outbox.next_attempt_at <= $3
                  AND (run_outbox.claimed_until IS NULL OR run_outbox.claimed_until <= $3 OR run_outbox.claim_token = $2)
                RETURNING \(Self.runOutboxColumns)
                """, binds: try Self.binds(claimUntil, replica, now.milliseconds)), logger: logger)
            var messages: [RunOutboxMessage] = []
            var setAside = false
            for row in try await Self.runOutboxRows(claimed).sorted(by: { $0.id < $1.id }) {
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
            if setAside { try await notify(.outbox, on: connection) }
            return messages
        }
    }

    public func nextRunDeliveryAttempt() async throws -> Timestamp? {
        // Over queue heads only; a head another replica holds is tried when its claim runs out.
        try await read { connection in
            try await connection.query("""
                SELECT MIN(CASE WHEN run_outbox.claim_token = \(replica) THEN run_outbox.next_attempt_at
                                ELSE GREATEST(run_outbox.next_attempt_at, COALESCE(run_outbox.claimed_until, 0)) END)
                FROM run_outbox
                JOIN (SELECT MIN(id) AS id FROM run_outbox WHERE status = 'pending' GROUP BY queue) AS head ON head.id = run_outbox.id
                """, logger: logger).decode(Int64?.self)
                .first(where: { _ in true })?.map(Timestamp.init(milliseconds:))
        }
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
            try await notify(.outbox, on: connection)
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
            try await connection.query("""
                UPDATE run_outbox SET attempts = attempts + 1, next_attempt_at = \(retryAt.milliseconds), retry_set_at = \(now.milliseconds),
                  retry_delay_ms = \(max(0, retryAt.milliseconds - now.milliseconds)), last_error = \(error), claimed_until = NULL
                WHERE id = \(message.id)
                """, logger: logger)
            try await notify(.outbox, on: connection)
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
            try await notify(.outbox, on: connection)
        }
    }

    /// The message's row, locked, if it is still pending; with `ownClaimOnly`, only while no
    /// other replica has taken it over.
    private func pendingRunRow(_ message: RunOutboxMessage, ownClaimOnly: Bool, on connection: PostgresConnection) async throws -> RunOutboxRow? {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.runOutboxColumns) FROM run_outbox
            WHERE run_outbox.id = $1 AND run_outbox.status = 'pending'
              AND ($2 = false OR run_outbox.claim_token IS NULL OR run_outbox.claim_token = $3)
            FOR UPDATE
            """, binds: try Self.binds(message.id, ownClaimOnly, replica)), logger: logger)
        return try await Self.runOutboxRows(rows).first
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
