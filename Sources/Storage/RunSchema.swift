import GRDB

/// Tables for procedure runs and drills, their lines and their outbox.
enum RunSchema {
    static func migrate(_ db: Database) throws {
        // A run's queried fields are columns; the whole run is the JSON body. AUTOINCREMENT:
        // run numbers are never reused.
        try db.create(table: "procedure_run") { t in
            t.autoIncrementedPrimaryKey("number")
            t.column("kind", .text).notNull()
            t.column("incident_number", .integer).references("incident")
            t.column("channel", .text).notNull()
            t.column("system", .text).notNull()
            t.column("procedure_id", .text).notNull()
            t.column("started_at", .integer).notNull()
            t.column("finished_at", .integer)
            t.column("body", .text).notNull()
            t.column("damaged", .text)
        }
        try db.create(index: "procedure_run_channel", on: "procedure_run", columns: ["channel", "finished_at"])
        try db.create(index: "procedure_run_incident", on: "procedure_run", columns: ["incident_number"])
        try db.create(index: "procedure_run_kind", on: "procedure_run", columns: ["kind", "number"])

        // A run's own lines; an incident run's lines also go in the incident's timeline.
        try db.create(table: "run_line") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("run_number", .integer).notNull().indexed().references("procedure_run")
            t.column("at", .integer).notNull()
            t.column("actor", .text).notNull()
            t.column("text", .text).notNull()
        }

        // The same shape and rules as `outbox`: oldest first per queue, retried until
        // delivered or failed.
        try db.create(table: "run_outbox") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("run_number", .integer).notNull().indexed().references("procedure_run")
            t.column("queue", .text).notNull()
            t.column("body", .text).notNull()
            t.column("status", .text).notNull().check(sql: "status IN ('pending', 'delivered', 'failed')")
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("next_attempt_at", .integer).notNull()
            t.column("last_error", .text)
            t.column("created_at", .integer).notNull()
            t.column("delivered_at", .integer)
        }
        try db.create(index: "run_outbox_status_queue_id", on: "run_outbox", columns: ["status", "queue", "id"])
    }
}
