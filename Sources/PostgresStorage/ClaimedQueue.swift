import Incidents
import Logging
import PostgresNIO

/// The claim rules both outboxes (`outbox` for incidents, `run_outbox` for runs) share, as
/// SQL over either table: only a queue's head may go; a replica claims it until it is marked
/// or the claim runs out (`OutboxClaim.window`); a retry time set after `now` means the
/// clock stepped back, so its wait counts again from now.
struct ClaimedQueue {
    let table: String
    /// The columns handed back, qualified by the table.
    let columns: String
    /// Rows never handed out (the incident outbox's damaged rows), as a condition on the table.
    let readable: String
    let replica: String
    let logger: Logger

    /// Claims each queue's head that may be tried at `now`, in the caller's transaction.
    /// The claim's conditions are on the row itself, so a replica that waited for another's
    /// claim to commit sees it and takes nothing. This replica's own claims are handed out
    /// again: its sender asks only when none is in flight.
    func claimHeads(at now: Timestamp, on connection: PostgresConnection) async throws -> PostgresRowSequence {
        try await connection.query(PostgresQuery(unsafeSQL: """
            UPDATE \(table) SET next_attempt_at = $1 + retry_delay_ms, retry_set_at = $1
            WHERE status = 'pending' AND retry_set_at > $1
            """, binds: try PostgresIncidentStore.binds(now.milliseconds)), logger: logger)
        return try await connection.query(PostgresQuery(unsafeSQL: """
            UPDATE \(table) SET claimed_until = $1, claim_token = $2
            FROM (SELECT DISTINCT ON (queue) id FROM \(table) WHERE status = 'pending' AND \(readable) ORDER BY queue, id) AS head
            WHERE \(table).id = head.id AND \(table).status = 'pending' AND \(table).next_attempt_at <= $3
              AND (\(table).claimed_until IS NULL OR \(table).claimed_until <= $3 OR \(table).claim_token = $2)
            RETURNING \(columns)
            """, binds: try PostgresIncidentStore.binds(now.adding(OutboxClaim.window).milliseconds, replica, now.milliseconds)), logger: logger)
    }

    /// When the next head may be tried, leaving out `queues`; a head another replica holds
    /// is tried when its claim runs out.
    func nextAttempt(excluding queues: Set<String>, on connection: PostgresConnection) async throws -> Timestamp? {
        try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT MIN(CASE WHEN \(table).claim_token = $1 THEN \(table).next_attempt_at
                            ELSE GREATEST(\(table).next_attempt_at, COALESCE(\(table).claimed_until, 0)) END)
            FROM \(table)
            JOIN (SELECT MIN(id) AS id FROM \(table) WHERE status = 'pending' AND \(readable) GROUP BY queue) AS head ON head.id = \(table).id
            WHERE NOT (\(table).queue = ANY($2))
            """, binds: try PostgresIncidentStore.binds(replica, Array(queues))), logger: logger)
            .decode(Int64?.self).first(where: { _ in true })?.map(Timestamp.init(milliseconds:))
    }

    /// The row, locked, if it is still pending. Marking a row twice changes nothing, and with
    /// `ownClaimOnly` a replica whose claim ran out and was taken over leaves the row to the
    /// new holder.
    func lockPending(_ id: Int64, ownClaimOnly: Bool, on connection: PostgresConnection) async throws -> PostgresRowSequence {
        try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT \(columns) FROM \(table)
            WHERE \(table).id = $1 AND \(table).status = 'pending'
              AND ($2 = false OR \(table).claim_token IS NULL OR \(table).claim_token = $3)
            FOR UPDATE
            """, binds: try PostgresIncidentStore.binds(id, ownClaimOnly, replica)), logger: logger)
    }

    /// Keeps the row pending until `retryAt` (its wait kept beside it, for a clock step) and
    /// releases the claim.
    func setRetry(_ id: Int64, at retryAt: Timestamp, now: Timestamp, error: String, on connection: PostgresConnection) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: """
            UPDATE \(table) SET attempts = attempts + 1, next_attempt_at = $1, retry_set_at = $2, retry_delay_ms = $3,
              last_error = $4, claimed_until = NULL
            WHERE id = $5
            """, binds: try PostgresIncidentStore.binds(
                retryAt.milliseconds, now.milliseconds, max(0, retryAt.milliseconds - now.milliseconds), error, id
            )), logger: logger)
    }
}

extension PostgresIncidentStore {
    var incidentOutbox: ClaimedQueue {
        ClaimedQueue(table: "outbox", columns: Self.outboxColumns, readable: "damaged IS NULL", replica: replica, logger: logger)
    }

    var runOutbox: ClaimedQueue {
        ClaimedQueue(table: "run_outbox", columns: Self.runOutboxColumns, readable: "true", replica: replica, logger: logger)
    }
}
