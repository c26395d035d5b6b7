import Foundation
import GRDB

/// The database schema. Migrations are append-only: a shipped migration is never edited,
/// so an existing database file always reaches the same schema as a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row holding the last number handed out, so numbers are never reused
            // even if incident rows were ever removed by hand.
            try db.create(table: "incident_counter") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("last", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO incident_counter (id, last) VALUES (1, 0)")

            // The queried fields are columns; the whole incident is the JSON body, so adding
            // a field to `Incident` needs no migration.
            try db.create(table: "incident") { t in
                t.primaryKey("number", .integer)
                t.column("id", .text).notNull().unique()
                t.column("channel", .text).notNull()
                t.column("state", .text).notNull()
                t.column("declared_at", .integer).notNull()
                t.column("resolved_at", .integer)
                t.column("next_deadline", .integer)
                t.column("body", .text).notNull()
            }
            try db.create(index: "incident_next_deadline", on: "incident", columns: ["next_deadline"])
            try db.create(index: "incident_state_channel", on: "incident", columns: ["state", "channel"])

            try db.create(table: "timeline") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("incident_number", .integer).notNull().indexed().references("incident")
                t.column("at", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("text", .text).notNull()
            }

            // AUTOINCREMENT ids never go backwards, so id order is creation order per queue.
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("incident_number", .integer).notNull().indexed().references("incident")
                t.column("queue", .text).notNull()
                t.column("body", .text).notNull()
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('pending', 'delivered', 'failed')")
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .integer).notNull()
                t.column("last_error", .text)
                t.column("created_at", .integer).notNull()
                t.column("delivered_at", .integer)
            }
            // Finds each queue's oldest pending row without scanning delivered history.
            try db.create(index: "outbox_status_queue_id", on: "outbox", columns: ["status", "queue", "id"])
        }
        migrator.registerMigration("v2-chat-neutral", migrate: ChatNeutralMigration.migrate)
        migrator.registerMigration("v3-installation") { db in
            // Generated once per database: it tells this installation's PagerDuty pages apart
            // from another's that shares a routing key.
            try db.create(table: "installation") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("key", .text).notNull()
            }
            let key = String(format: "%016llx", UInt64.random(in: .min ... .max))
            try db.execute(sql: "INSERT INTO installation (id, key) VALUES (1, ?)", arguments: [key])
        }
        migrator.registerMigration("v4-trust") { db in
            // Keys of events, clicks, envelopes and incident commands already handled, so a
            // redelivery or a replay is recognised after a restart too. Pruned by age.
            try db.create(table: "seen_key") { t in
                t.primaryKey("key", .text)
                t.column("seen_at", .integer).notNull().indexed()
            }
            // A row that cannot be decoded is set aside with the reason instead of failing
            // every query that meets it.
            try db.alter(table: "incident") { t in t.add(column: "damaged", .text) }
            try db.alter(table: "outbox") { t in
                t.add(column: "damaged", .text)
                // When a retry time was set and how long the wait was: a retry time set in
                // what is now the future means the wall clock stepped back, and the wait is
                // counted again from now instead of from the old clock.
                t.add(column: "retry_set_at", .integer)
                t.add(column: "retry_delay_ms", .integer)
            }
        }
        migrator.registerMigration("v5-timers") { db in
            // Keyed timers the scheduler fires (a run's watch, a handoff): one row per key,
            // moved by setting it again.
            try db.create(table: "durable_timer") { t in
                t.primaryKey("key", .text)
                t.column("due_at", .integer).notNull().indexed()
                t.column("kind", .text).notNull()
                t.column("payload", .text).notNull()
            }
        }
        migrator.registerMigration("v5-oncall-overrides") { db in
            // Swaps recorded from chat; cancelled ones are kept, with who cancelled them.
            try db.create(table: "oncall_override") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("rotation", .text).notNull()
                t.column("contact", .text).notNull()
                t.column("starts_at", .integer).notNull()
                t.column("ends_at", .integer).notNull().indexed()
                t.column("reason", .text)
                t.column("created_by", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("cancelled_at", .integer)
                t.column("cancelled_by", .text)
            }
        }
        migrator.registerMigration("v6-runs", migrate: RunSchema.migrate)
        return migrator
    }
}
