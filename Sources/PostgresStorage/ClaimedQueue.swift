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
    /// Expressions after `columns` in a claim's rows, each starting with a comma.
    var claimExtras = ""

    /// What a claim hands back: `columns`, and whatever else the sender needs with them.
    var claimedColumns: String { columns + claimExtras }

    /// `head`: each queue's first pending row, by a loose index scan: one descent of the
    /// `(queue, id)` index per queue with pending rows, however long the queues are. Heads
    /// are joined back on queue and id, so each is again one descent.
    ///
    /// Every delivery moves a row out of that index and leaves a dead entry behind until a
    /// vacuum. An index scan marks such entries as it meets them, so later scans step over
    /// them for free; a bitmap scan visits each one's row every time. Under a burst, with
    /// statistics that lag a fast-changing table, the planner picks bitmap scans, and
    /// finding the heads came to take most of the database's time (10 ms and more a claim,
    /// growing with every delivery). So the queries that find heads run with bitmap scans
    /// off (`avoidingBitmapScans`), in a transaction of their own.
    private var heads: String {
        """
        RECURSIVE head AS (
          (SELECT queue, id, retry_set_at FROM \(table) WHERE status = 'pending' AND \(readable) ORDER BY queue, id LIMIT 1)
          UNION ALL
          SELECT next.queue, next.id, next.retry_set_at FROM head, LATERAL (
            SELECT queue, id, retry_set_at FROM \(table)
            WHERE status = 'pending' AND \(readable) AND queue > head.queue ORDER BY queue, id LIMIT 1
          ) AS next
        )
        """
    }

    /// Turns bitmap scans off until the caller's transaction ends (see `heads`).
    func avoidingBitmapScans(on connection: PostgresConnection) async throws {
        try await connection.query("SET LOCAL enable_bitmapscan = off", logger: logger)
    }

    /// Claims each queue's head that may be tried at `now`, in the caller's transaction. The claim's
    /// conditions are on the row itself, so a replica that waited for another's claim to
    /// commit sees it and takes nothing. This replica's own claims are handed out again: its
    /// sender asks only when none is in flight. A head whose retry time was set after `now`
    /// (the clock stepped back) has its wait restarted from now instead of being claimed.
    func claimHeads(at now: Timestamp, on connection: PostgresConnection) async throws -> PostgresRowSequence {
        try await avoidingBitmapScans(on: connection)
        return try await connection.query(PostgresQuery(unsafeSQL: """
            WITH \(heads), stepped_back AS (
              UPDATE \(table) SET next_attempt_at = $3 + retry_delay_ms, retry_set_at = $3
              FROM head WHERE \(table).queue = head.queue AND \(table).id = head.id AND head.retry_set_at > $3 AND \(table).status = 'pending'
            )
            UPDATE \(table) SET claimed_until = $1, claim_token = $2
            FROM head
            WHERE \(table).queue = head.queue AND \(table).id = head.id AND COALESCE(head.retry_set_at, 0) <= $3
              AND \(table).status = 'pending' AND \(table).next_attempt_at <= $3
              AND (\(table).claimed_until IS NULL OR \(table).claimed_until <= $3 OR \(table).claim_token = $2)
            RETURNING \(claimedColumns)
            """, binds: try PostgresIncidentStore.binds(now.adding(OutboxClaim.window).milliseconds, replica, now.milliseconds)), logger: logger)
    }

    /// When the next head may be tried, leaving out `queues`; a head another replica holds
    /// is tried when its claim runs out. In the caller's transaction.
    func nextAttempt(excluding queues: Set<String>, on connection: PostgresConnection) async throws -> Timestamp? {
        try await avoidingBitmapScans(on: connection)
        return try await connection.query(PostgresQuery(unsafeSQL: """
            WITH \(heads)
            SELECT MIN(CASE WHEN \(table).claim_token = $1 THEN \(table).next_attempt_at
                            ELSE GREATEST(\(table).next_attempt_at, COALESCE(\(table).claimed_until, 0)) END)
            FROM \(table) JOIN head ON head.queue = \(table).queue AND head.id = \(table).id
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
        // A claimed message comes with its incident's record, which the sender renders it from.
        ClaimedQueue(
            table: "outbox", columns: Self.outboxColumns, readable: "damaged IS NULL", replica: replica, logger: logger,
            claimExtras: ", (SELECT body FROM incident WHERE incident.number = outbox.incident_number AND incident.damaged IS NULL) AS incident_body"
        )
    }

    var runOutbox: ClaimedQueue {
        ClaimedQueue(table: "run_outbox", columns: Self.runOutboxColumns, readable: "true", replica: replica, logger: logger)
    }
}
