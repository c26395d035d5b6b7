import Incidents
import PostgresNIO
import Storage

/// Procedure runs and drills on the incidents' database, as on SQLite: a run, its lines (also
/// in its incident's timeline), its watch timer and its outbox rows are one transaction. A
/// run's row lock serialises the replicas' changes to it, so a watch timer two replicas
/// fire at once is answered once: the second finds the watch already over.
extension PostgresIncidentStore: RunStore {
    public func startRun(_ make: @Sendable (Int) throws -> RunChange) async throws -> ProcedureRun {
        try await transaction { connection in
            let number = try await nextNumber(.runs, on: connection)
            let change = try make(number)
            guard change.run.number == number else { throw StorageError.numberMismatch(expected: number, got: change.run.number) }
            let incidentNumber = try await incidentNumber(of: change.run, on: connection)
            let row = try RunRow(change.run, incidentNumber: incidentNumber)
            try await connection.query("""
                INSERT INTO procedure_run (number, kind, incident_number, channel, system, procedure_id, started_at, finished_at, body)
                VALUES (\(number), \(row.kind), \(row.incidentNumber), \(row.channel), \(row.system), \(row.procedureId),
                        \(row.startedAt), \(row.finishedAt), \(row.body))
                """, logger: logger)
            try await appendRun(change, runNumber: number, incidentNumber: incidentNumber, on: connection)
            return change.run
        }
    }

    public func updateRun(_ id: String, _ change: @Sendable (ProcedureRun) throws -> RunChange?) async throws -> RunUpdateResult {
        guard let number = ProcedureRun.number(from: id) else { return .notFound }
        return try await transaction { connection -> RunUpdateResult in
            let rows = try await connection.query(
                "SELECT incident_number, body FROM procedure_run WHERE number = \(number) AND damaged IS NULL FOR UPDATE", logger: logger
            ).decode((Int?, String).self)
            guard let (incidentNumber, body) = try await rows.first(where: { _ in true }) else { return .notFound }
            let stored: ProcedureRun
            do {
                stored = try JSON.decode(ProcedureRun.self, from: body)
            } catch {
                try await markRunDamaged(number, reason: SQLiteIncidentStore.reason(error), on: connection)
                return .notFound
            }
            guard let result = try change(stored) else { return .unchanged }
            guard result.run.number == number else { throw StorageError.numberMismatch(expected: number, got: result.run.number) }
            try await saveRun(result.run, incidentNumber: incidentNumber, on: connection)
            try await appendRun(result, runNumber: number, incidentNumber: incidentNumber, on: connection)
            return .saved(result)
        }
    }

    /// Rewrites the run's row; every column is derived from the run.
    func saveRun(_ run: ProcedureRun, incidentNumber: Int?, on connection: PostgresConnection) async throws {
        let row = try RunRow(run, incidentNumber: incidentNumber)
        try await connection.query("""
            UPDATE procedure_run SET finished_at = \(row.finishedAt), body = \(row.body) WHERE number = \(run.number)
            """, logger: logger)
    }

    /// Lines, watch timer and deliveries of a change, in the caller's transaction; the other
    /// replicas hear of the timer and the deliveries at commit.
    private func appendRun(_ change: RunChange, runNumber: Int, incidentNumber: Int?, on connection: PostgresConnection) async throws {
        for entry in change.timeline {
            try await insertRunLine(entry, runNumber: runNumber, incidentNumber: incidentNumber, on: connection)
        }
        if let timer = change.run.watchTimer {
            try await setTimer(timer, on: connection)
        } else {
            try await connection.query("DELETE FROM durable_timer WHERE key = \(change.run.watchTimerKey)", logger: logger)
        }
        let created = change.timeline.map(\.at).max() ?? change.run.startedAt
        for delivery in change.deliveries {
            try await connection.query("""
                INSERT INTO run_outbox (run_number, queue, body, status, attempts, next_attempt_at, created_at)
                VALUES (\(runNumber), \("slack:\(change.run.channel)"), \(try JSON.encode(delivery)), 'pending', 0,
                        \(created.milliseconds), \(created.milliseconds))
                """, logger: logger)
        }
        if !change.deliveries.isEmpty { try await notify(.runs, on: connection) }
    }

    /// A run's line, and the same line in its incident's timeline for an incident run.
    func insertRunLine(_ entry: TimelineEntry, runNumber: Int, incidentNumber: Int?, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO run_line (run_number, at, actor, text) VALUES (\(runNumber), \(entry.at.milliseconds), \(entry.actor), \(entry.text))
            """, logger: logger)
        if let incidentNumber { try await insertTimeline(entry, incidentNumber: incidentNumber, on: connection) }
    }

    private func incidentNumber(of run: ProcedureRun, on connection: PostgresConnection) async throws -> Int? {
        guard let id = run.incidentID else { return nil }
        let rows = try await connection.query("SELECT number FROM incident WHERE id = \(id)", logger: logger).decode(Int.self)
        guard let number = try await rows.first(where: { _ in true }) else {
            throw StorageError.corrupt("run \(run.id) names \(id), which is not stored")
        }
        return number
    }

    private func markRunDamaged(_ number: Int, reason: String, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE procedure_run SET damaged = \(reason) WHERE number = \(number)", logger: logger)
        logger.error("store: a run's record cannot be read; set aside", metadata: ["run": "\(ProcedureRun.id(number: number))", "reason": "\(reason)"])
    }

    // MARK: Queries

    public func run(_ id: String) async throws -> ProcedureRun? {
        guard let number = ProcedureRun.number(from: id) else { return nil }
        return try await runs(where: "number = \(number)").first
    }

    public func activeRuns(channel: String) async throws -> [ProcedureRun] {
        try await runs(where: "channel = \(channel) AND finished_at IS NULL")
    }

    public func runs(incidentID: String) async throws -> [ProcedureRun] {
        try await runs(where: "incident_number = (SELECT number FROM incident WHERE id = \(incidentID))")
    }

    public func drills(limit: Int) async throws -> [ProcedureRun] {
        try await runs(where: "kind = 'drill'", order: "number DESC", limit: limit)
    }

    public func runTimeline(_ id: String) async throws -> [TimelineEntry] {
        guard let number = ProcedureRun.number(from: id) else { return [] }
        return try await read { connection in
            try await connection.query(
                "SELECT at, actor, text FROM run_line WHERE run_number = \(number) ORDER BY id", logger: logger
            ).decode((Int64, String, String).self).reduce(into: []) {
                $0.append(TimelineEntry(at: Timestamp(milliseconds: $1.0), actor: $1.1, kind: .run, text: $1.2))
            }
        }
    }

    /// Runs matching `condition` (with its bindings), at most `limit`. Rows that cannot be
    /// decoded are left out and set aside rather than failing the list.
    private func runs(where condition: PostgresQuery, order: String = "number", limit: Int = 1000) async throws -> [ProcedureRun] {
        // The condition's binds stay numbered from $1: the rest has none.
        let query = PostgresQuery(
            unsafeSQL: "SELECT number, body FROM procedure_run WHERE damaged IS NULL AND (\(condition.sql)) ORDER BY \(order) LIMIT \(max(0, limit))",
            binds: condition.binds
        )
        let rows = try await read { connection in
            try await connection.query(query, logger: logger).decode((Int, String).self).reduce(into: [(Int, String)]()) { $0.append($1) }
        }
        var runs: [ProcedureRun] = []
        var damaged: [(number: Int, reason: String)] = []
        for (number, body) in rows {
            do { runs.append(try JSON.decode(ProcedureRun.self, from: body)) } catch { damaged.append((number, SQLiteIncidentStore.reason(error))) }
        }
        if !damaged.isEmpty {
            let damaged = damaged
            try await transaction { connection in
                for entry in damaged { try await markRunDamaged(entry.number, reason: entry.reason, on: connection) }
            }
        }
        return runs
    }
}
