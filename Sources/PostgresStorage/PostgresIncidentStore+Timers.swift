import Incidents
import PostgresNIO

/// Durable timers across replicas. A replica takes the due timers it will fire with
/// `SKIP LOCKED` and holds them for `timerClaim`: another replica passes them over until the
/// holder removes or moves them, or until the claim runs out because the holder died, when
/// the other replica fires them. Setting a timer (moving it) clears its claim.
extension PostgresIncidentStore: TimerStore {
    /// How long a replica may take to fire the timers it took before another takes them over.
    static let timerClaim: Duration = .seconds(10)

    public func setTimer(_ timer: DurableTimer) async throws {
        try await transaction { connection in try await setTimer(timer, on: connection) }
    }

    public func cancelTimer(_ key: String) async throws {
        try await read { connection in
            try await connection.query("DELETE FROM durable_timer WHERE key = \(key)", logger: logger)
        }
    }

    public func nextTimerDue() async throws -> Timestamp? {
        // A timer another replica holds is looked at again when its claim runs out.
        try await read { connection in
            try await connection.query("""
                SELECT MIN(CASE WHEN claim_token = \(replica) THEN due_at ELSE GREATEST(due_at, COALESCE(claimed_until, 0)) END)
                FROM durable_timer
                """, logger: logger).decode(Int64?.self)
                .first(where: { _ in true })?.map(Timestamp.init(milliseconds:))
        }
    }

    public func dueTimers(at now: Timestamp, limit: Int) async throws -> [DurableTimer] {
        let claimUntil = now.adding(Self.timerClaim).milliseconds
        return try await transaction { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                UPDATE durable_timer SET claimed_until = $1, claim_token = $2
                WHERE key IN (
                  SELECT key FROM durable_timer
                  WHERE due_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3 OR claim_token = $2)
                  ORDER BY due_at, key LIMIT $4
                  FOR UPDATE SKIP LOCKED)
                RETURNING key, due_at, kind, payload
                """, binds: try Self.binds(claimUntil, replica, now.milliseconds, max(0, limit))), logger: logger)
            return try await rows.decode((String, Int64, String, String).self).reduce(into: [DurableTimer]()) {
                $0.append(DurableTimer(key: $1.0, dueAt: Timestamp(milliseconds: $1.1), kind: $1.2, payload: $1.3))
            }.sorted { ($0.dueAt, $0.key) < ($1.dueAt, $1.key) }
        }
    }

    public func finishTimer(_ timer: DurableTimer) async throws {
        try await read { connection in
            try await connection.query(
                "DELETE FROM durable_timer WHERE key = \(timer.key) AND due_at = \(timer.dueAt.milliseconds)", logger: logger
            )
        }
    }

    /// Sets or moves the timer in the caller's transaction; the replicas hear of it at commit.
    func setTimer(_ timer: DurableTimer, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO durable_timer (key, due_at, kind, payload) VALUES (\(timer.key), \(timer.dueAt.milliseconds), \(timer.kind), \(timer.payload))
            ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload,
              claimed_until = NULL, claim_token = NULL
            """, logger: logger)
        try await notify(.deadlines, on: connection)
    }
}
