import Logging
import PostgresNIO
import PostgresStorage

/// A fresh database for one replica run, made on the server the given URL names and dropped
/// afterwards: every run starts from an empty schema (the bot's own migrations make it), and
/// the undisturbed and the killed run cannot see each other's incidents.
struct ScratchDatabase {
    let server: DatabaseURL
    let url: DatabaseURL

    static func create(on server: DatabaseURL) async throws -> ScratchDatabase {
        var url = server
        url.database = "runbook_bench_\(UInt32.random(in: 0...UInt32.max))"
        try await execute("CREATE DATABASE \(url.database)", on: server)
        return ScratchDatabase(server: server, url: url)
    }

    /// FORCE ends the connections a killed replica may have left behind.
    func drop() async throws {
        try await Self.execute("DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)", on: server)
    }

    /// One statement on a connection of its own (CREATE and DROP DATABASE cannot run in a
    /// transaction, nor on the database they drop).
    private static func execute(_ sql: String, on server: DatabaseURL) async throws {
        var logger = Logger(label: "runbook-bench.scratch")
        logger.logLevel = .error
        let client = PostgresClient(configuration: server.clientConfiguration(), backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}
