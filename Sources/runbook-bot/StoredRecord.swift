import ArgumentParser
import Foundation
import Incidents
import Logging
import PostgresNIO
import PostgresStorage
import Storage

/// The bot's record as the CLI reads it: the SQLite file in a data directory, or the
/// PostgreSQL database replicas share. Read-only use; nothing is created to be read.
enum StoredRecord {
    typealias Store = IncidentStore & RunStore & OnCallStore

    /// How long a command waits for the database before saying it does not answer.
    static let answerWithin: Duration = .seconds(30)

    /// Runs `body` with the store named by `databaseURL`, else by `dataDirectory`; nil when
    /// the data directory holds no database yet (a bot that never ran).
    static func read<Result: Sendable>(
        dataDirectory: String, databaseURL: String?, _ body: @escaping @Sendable (any Store) async throws -> Result
    ) async throws -> Result? {
        guard let databaseURL else {
            let path = (dataDirectory as NSString).appendingPathComponent("incidents.sqlite")
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try await body(try SQLiteIncidentStore(path: path, clock: SystemClock()))
        }
        let url: DatabaseURL
        do {
            url = try DatabaseURL(parsing: databaseURL)
        } catch {
            throw ValidationError("--database-url: \(error)")
        }
        // Quiet: a command's output is its answer; a failure is said once, below.
        var logger = Logger(label: "runbook-bot.storage")
        logger.logLevel = .critical
        do {
            try await url.checkReachable(logger: logger)
        } catch {
            throw RecordUnavailable("cannot reach the database at \(url): \(StoredRecord.reason(error))")
        }
        let store = PostgresIncidentStore(configuration: url.clientConfiguration(), clock: SystemClock(), logger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await store.run()
                return nil
            }
            group.addTask { try await body(store) }
            group.addTask {
                try await Task.sleep(for: answerWithin)
                throw RecordUnavailable("the database at \(url) did not answer within \(answerWithin)")
            }
            defer { group.cancelAll() }
            while let finished = try await group.next() {
                if let finished { return finished }
            }
            return nil
        }
    }

    /// What went wrong, in a line: the server's own message, or the connection's.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}

/// The record cannot be read: said on one line, with no usage text after it.
struct RecordUnavailable: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
