import Logging
import PostgresNIO

/// The PostgreSQL schema, the same tables as the SQLite store's. Migrations are append-only
/// and run at start-up inside one transaction under an advisory lock, so replicas starting
/// together wait for one another and the schema is migrated once.
enum PostgresSchema {
    /// Any fixed number works, as long as nothing else on the database takes the same lock.
    static let migrationLock: Int64 = 0x7275_6e62_6f6f_6b31  // "runbook1"

    static let migrations: [(name: String, sql: [String])] = [
        ("v1", [
            // One row holding the last number handed out; its row lock serialises
            // declarations across replicas, so numbers stay sequential.
            "CREATE TABLE incident_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last BIGINT NOT NULL)",
            "INSERT INTO incident_counter (id, last) VALUES (1, 0)",
            """
            CREATE TABLE incident (
                number BIGINT PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                declared_at BIGINT NOT NULL,
                resolved_at BIGINT,
                next_deadline BIGINT,
                body TEXT NOT NULL,
                damaged TEXT
            )
            """,
            "CREATE INDEX incident_due ON incident (next_deadline) WHERE state <> 'resolved' AND damaged IS NULL",
            "CREATE INDEX incident_state_channel ON incident (state, channel)",
            """
            CREATE TABLE timeline (
                id BIGSERIAL PRIMARY KEY,
                incident_number BIGINT NOT NULL REFERENCES incident,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                kind TEXT NOT NULL,
                text TEXT NOT NULL
            )
            """,
            "CREATE INDEX timeline_incident ON timeline (incident_number, id)",
            // claimed_until: the replica sending the row may do so until then; after it,
            // another replica takes the row over. claim_token says which replica it is.
            """
            CREATE TABLE outbox (
                id BIGSERIAL PRIMARY KEY,
                incident_number BIGINT NOT NULL REFERENCES incident,
                queue TEXT NOT NULL,
                body TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                delivered_at BIGINT,
                damaged TEXT,
                retry_set_at BIGINT,
                retry_delay_ms BIGINT,
                claimed_until BIGINT,
                claim_token TEXT
            )
            """,
            // Finds each queue's head without scanning delivered history.
            "CREATE INDEX outbox_pending_queue_id ON outbox (queue, id) WHERE status = 'pending'",
            "CREATE INDEX outbox_incident ON outbox (incident_number, id)",
            "CREATE TABLE installation (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT NOT NULL)",
            // Generated once per database: tells this installation's pages apart from another's.
            "INSERT INTO installation (id, key) VALUES (1, lpad(to_hex((random() * 4294967295)::bigint), 8, '0') || lpad(to_hex((random() * 4294967295)::bigint), 8, '0'))",
            "CREATE TABLE seen_key (key TEXT PRIMARY KEY, seen_at BIGINT NOT NULL)",
            "CREATE INDEX seen_key_seen_at ON seen_key (seen_at)",
        ]),
        ("v2-runs-timers-overrides", [
            // Run numbers as incident numbers: one counter row whose lock orders starts
            // across replicas; a rolled-back start leaves no gap.
            "CREATE TABLE run_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last BIGINT NOT NULL)",
            "INSERT INTO run_counter (id, last) VALUES (1, 0)",
            // A run's queried fields are columns; the whole run is the JSON body.
            """
            CREATE TABLE procedure_run (
                number BIGINT PRIMARY KEY,
                kind TEXT NOT NULL,
                incident_number BIGINT REFERENCES incident,
                channel TEXT NOT NULL,
                system TEXT NOT NULL,
                procedure_id TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                finished_at BIGINT,
                body TEXT NOT NULL,
                damaged TEXT
            )
            """,
            "CREATE INDEX procedure_run_channel ON procedure_run (channel, number) WHERE finished_at IS NULL",
            "CREATE INDEX procedure_run_incident ON procedure_run (incident_number, number)",
            "CREATE INDEX procedure_run_kind ON procedure_run (kind, number)",
            // A run's own lines; an incident run's lines also go in the incident's timeline.
            """
            CREATE TABLE run_line (
                id BIGSERIAL PRIMARY KEY,
                run_number BIGINT NOT NULL REFERENCES procedure_run,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                text TEXT NOT NULL
            )
            """,
            "CREATE INDEX run_line_run ON run_line (run_number, id)",
            // The incident outbox's shape and rules, claims included.
            """
            CREATE TABLE run_outbox (
                id BIGSERIAL PRIMARY KEY,
                run_number BIGINT NOT NULL REFERENCES procedure_run,
                queue TEXT NOT NULL,
                body TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                delivered_at BIGINT,
                retry_set_at BIGINT,
                retry_delay_ms BIGINT,
                claimed_until BIGINT,
                claim_token TEXT
            )
            """,
            "CREATE INDEX run_outbox_pending_queue_id ON run_outbox (queue, id) WHERE status = 'pending'",
            "CREATE INDEX run_outbox_run ON run_outbox (run_number, id)",
            // Keyed timers (a run's watch, a handoff). A replica firing one holds it until
            // claimed_until, so two replicas never fire the same timer at once.
            """
            CREATE TABLE durable_timer (
                key TEXT PRIMARY KEY,
                due_at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                claimed_until BIGINT,
                claim_token TEXT
            )
            """,
            "CREATE INDEX durable_timer_due ON durable_timer (due_at)",
            // Swaps recorded from chat; cancelled ones are kept, with who cancelled them.
            """
            CREATE TABLE oncall_override (
                id BIGSERIAL PRIMARY KEY,
                rotation TEXT NOT NULL,
                contact TEXT NOT NULL,
                starts_at BIGINT NOT NULL,
                ends_at BIGINT NOT NULL,
                reason TEXT,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                cancelled_at BIGINT,
                cancelled_by TEXT
            )
            """,
            "CREATE INDEX oncall_override_ends_at ON oncall_override (ends_at) WHERE cancelled_at IS NULL",
        ]),
        // The outboxes are queues: every delivery moves a row out of the pending index and
        // leaves a dead entry there until a vacuum, and finding the heads steps over each
        // one. Vacuumed and analysed after every thousand changes rather than after a fifth
        // of the table has changed, which on a long history would be almost never.
        ("v3-outbox-vacuum", ["outbox", "run_outbox"].map { table in
            """
            ALTER TABLE \(table) SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
              autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000)
            """
        }),
    ]

    /// Brings the database to the current schema; the names of the migrations it ran.
    @discardableResult
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.inTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY)", logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            var ran: [String] = []
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migration (name) VALUES (\(migration.name))", logger: logger)
                ran.append(migration.name)
            }
            return ran
        }
    }
}
