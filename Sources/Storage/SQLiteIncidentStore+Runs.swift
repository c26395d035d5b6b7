import GRDB
import Incidents

/// Procedure runs and drills on the same database as the incidents: a run, its lines (also
/// in its incident's timeline), its watch timer and its outbox rows are one transaction.
extension SQLiteIncidentStore: RunStore {
    public func startRun(_ make: @Sendable (Int) throws -> RunChange) async throws -> ProcedureRun {
        try await database.write { db in
            // The next AUTOINCREMENT value, taken inside the write transaction.
            let last = try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'procedure_run'") ?? 0
            let change = try make(last + 1)
            guard change.run.number == last + 1 else { throw StorageError.numberMismatch(expected: last + 1, got: change.run.number) }
            let row = try RunRow(change.run, incidentNumber: try Self.incidentNumber(of: change.run, in: db))
            try row.insert(db)
            try Self.append(change, runNumber: row.number!, incidentNumber: row.incidentNumber, in: db)
            return change.run
        }
    }

    public func updateRun(_ id: String, _ change: @Sendable (ProcedureRun) throws -> RunChange?) async throws -> RunUpdateResult {
        guard let number = ProcedureRun.number(from: id) else { return .notFound }
        return try await database.write { db -> RunUpdateResult in
            guard let row = try RunRow.filter(Column("number") == number && Column("damaged") == nil).fetchOne(db) else { return .notFound }
            let stored: ProcedureRun
            do {
                stored = try row.run()
            } catch {
                try db.execute(sql: "UPDATE procedure_run SET damaged = ? WHERE number = ?", arguments: ["\(error)", number])
                return .notFound
            }
            guard let result = try change(stored) else { return .unchanged }
            guard result.run.number == number else { throw StorageError.numberMismatch(expected: number, got: result.run.number) }
            try RunRow(result.run, incidentNumber: row.incidentNumber).update(db)
            try Self.append(result, runNumber: number, incidentNumber: row.incidentNumber, in: db)
            return .saved(result)
        }
    }

    /// Lines, watch timer and deliveries of a change, in the caller's transaction.
    private static func append(_ change: RunChange, runNumber: Int, incidentNumber: Int?, in db: Database) throws {
        for entry in change.timeline {
            try db.execute(sql: "INSERT INTO run_line (run_number, at, actor, text) VALUES (?, ?, ?, ?)",
                           arguments: [runNumber, entry.at.milliseconds, entry.actor, entry.text])
            if let incidentNumber { try TimelineRow(entry, incidentNumber: incidentNumber).insert(db) }
        }
        if let timer = change.run.watchTimer {
            try setTimer(timer, in: db)
        } else {
            try cancelTimer(change.run.watchTimerKey, in: db)
        }
        let created = change.timeline.map(\.at).max() ?? change.run.startedAt
        for delivery in change.deliveries {
            try db.execute(sql: """
                INSERT INTO run_outbox (run_number, queue, body, status, attempts, next_attempt_at, created_at)
                VALUES (?, ?, ?, 'pending', 0, ?, ?)
                """, arguments: [runNumber, "slack:\(change.run.channel)", try JSON.encode(delivery), created.milliseconds, created.milliseconds])
        }
    }

    private static func incidentNumber(of run: ProcedureRun, in db: Database) throws -> Int? {
        guard let id = run.incidentID else { return nil }
        guard let number = try Int.fetchOne(db, sql: "SELECT number FROM incident WHERE id = ?", arguments: [id]) else {
            throw StorageError.corrupt("run \(run.id) names \(id), which is not stored")
        }
        return number
    }

    // MARK: Queries

    public func run(_ id: String) async throws -> ProcedureRun? {
        guard let number = ProcedureRun.number(from: id) else { return nil }
        return try await runs(where: "number = ?", [number.databaseValue]).first
    }

    public func activeRuns(channel: String) async throws -> [ProcedureRun] {
        try await runs(where: "channel = ? AND finished_at IS NULL", [channel.databaseValue])
    }

    public func runs(incidentID: String) async throws -> [ProcedureRun] {
        try await runs(where: "incident_number = (SELECT number FROM incident WHERE id = ?)", [incidentID.databaseValue])
    }

    public func drills(limit: Int) async throws -> [ProcedureRun] {
        try await runs(where: "kind = 'drill'", [], order: "number DESC", limit: limit)
    }

    public func runTimeline(_ id: String) async throws -> [TimelineEntry] {
        guard let number = ProcedureRun.number(from: id) else { return [] }
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT at, actor, text FROM run_line WHERE run_number = ? ORDER BY id", arguments: [number]).map {
                TimelineEntry(at: Timestamp(milliseconds: $0[0]), actor: $0[1], kind: .run, text: $0[2])
            }
        }
    }

    /// Rows that cannot be decoded are left out (and marked) rather than failing the list.
    private func runs(where condition: String, _ arguments: [DatabaseValue], order: String = "number", limit: Int = 1000) async throws -> [ProcedureRun] {
        try await database.write { db in
            let rows = try RunRow.fetchAll(db, sql: "SELECT * FROM procedure_run WHERE damaged IS NULL AND \(condition) ORDER BY \(order) LIMIT \(max(0, limit))",
                                           arguments: StatementArguments(arguments))
            var runs: [ProcedureRun] = []
            for row in rows {
                do {
                    runs.append(try row.run())
                } catch {
                    try db.execute(sql: "UPDATE procedure_run SET damaged = ? WHERE number = ?", arguments: ["\(error)", row.number])
                }
            }
            return runs
        }
    }
}

/// A row of `procedure_run`: the queried fields beside the whole run as JSON. The PostgreSQL
/// store derives its columns the same way, from this.
package struct RunRow: SnakeCaseRecord {
    package static let databaseTableName = "procedure_run"
    // As every record here; spelled out because this one is visible to the package.
    package static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    package static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    package var number: Int?
    package var kind: String
    package var incidentNumber: Int?
    package var channel: String
    package var system: String
    package var procedureId: String
    package var startedAt: Int64
    package var finishedAt: Int64?
    package var body: String
    package var damaged: String?

    package init(_ run: ProcedureRun, incidentNumber: Int?) throws {
        number = run.number
        kind = run.kind.rawValue
        self.incidentNumber = incidentNumber
        channel = run.channel
        system = run.system
        procedureId = run.procedureID
        startedAt = run.startedAt.milliseconds
        finishedAt = run.finishedAt?.milliseconds
        body = try JSON.encode(run)
    }

    package func run() throws -> ProcedureRun {
        try JSON.decode(ProcedureRun.self, from: body)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        number = Int(inserted.rowID)
    }
}
