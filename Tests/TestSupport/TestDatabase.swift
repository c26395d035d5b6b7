import Foundation
import Incidents
import Logging
import PostgresNIO
import PostgresStorage
import Testing

/// The PostgreSQL server `TEST_DATABASE_URL` names, if any.
public enum TestDatabase {
    public static let serverURL: DatabaseURL? = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]
        .flatMap { $0.isEmpty ? nil : try? DatabaseURL(parsing: $0) }
}

/// The stores an end-to-end test runs the bot on: its embedded SQLite always, PostgreSQL
/// when `TEST_DATABASE_URL` names a server.
public enum BotStoreKind: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    public static let all: [BotStoreKind] = TestDatabase.serverURL == nil ? [.sqlite] : [.sqlite, .postgres]
}

/// A database of its own on the test server, dropped afterwards, and a client on it to look
/// at what the bot committed.
public func withTestDatabase(_ body: (DatabaseURL, PostgresClient) async throws -> Void) async throws {
    let server = try #require(TestDatabase.serverURL)
    let name = "bot_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let admin = PostgresClient(configuration: server.clientConfiguration(), backgroundLogger: Logger(label: "test-admin"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await admin.run() }
        defer { group.cancelAll() }
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        var url = server
        url.database = name
        let observer = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: Logger(label: "test-observer"))
        group.addTask { await observer.run() }
        do {
            try await body(url, observer)
        } catch {
            _ = try? await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
            throw error
        }
        try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
    }
}

/// A store on the bot's database, running until `body` ends, to read what the bot saved.
public func withStoreReading(_ url: DatabaseURL, clock: any BotClock, _ body: (PostgresIncidentStore) async throws -> Void) async throws {
    let store = PostgresIncidentStore(configuration: url.clientConfiguration(), clock: clock, logger: Logger(label: "test-reader"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        defer { group.cancelAll() }
        try await body(store)
    }
}

extension DatabaseURL {
    /// The URL as text, password included, for a process the test starts.
    public var text: String {
        "postgres://\(username)\(password.map { ":\($0)" } ?? "")@\(host):\(port)/\(database)\(requiresNoTLS ? "?sslmode=disable" : "")"
    }
}
