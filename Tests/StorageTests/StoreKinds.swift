import Foundation
import GRDB
import Incidents
import Logging
import PostgresNIO
import PostgresStorage
import Storage
import TestSupport
import Testing

/// The engines the store suite runs on: SQLite always, PostgreSQL when `TEST_DATABASE_URL`
/// names a server (each test in a schema of its own, dropped afterwards).
enum StoreKind: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let postgresURL: DatabaseURL? = {
        guard let text = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !text.isEmpty else { return nil }
        do {
            return try DatabaseURL(parsing: text)
        } catch {
            fatalError("TEST_DATABASE_URL: \(error)")
        }
    }()

    static let all: [StoreKind] = {
        guard postgresURL != nil else {
            print("◇ Store suite: TEST_DATABASE_URL is not set, so the PostgreSQL half was SKIPPED; only SQLite ran.")
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }()
}

/// A store under test, and a way to edit its rows behind its back (a hand edit, a bad disk).
struct StoreUnderTest: Sendable {
    let store: any IncidentStore
    let execute: @Sendable (String) async throws -> Void
}

func withStore(_ kind: StoreKind, clock: TestClock = TestClock(now: Fixtures.start), _ body: (any IncidentStore) async throws -> Void) async throws {
    try await withStoreUnderTest(kind, clock: clock) { try await body($0.store) }
}

func withStoreUnderTest(_ kind: StoreKind, clock: TestClock = TestClock(now: Fixtures.start), _ body: (StoreUnderTest) async throws -> Void) async throws {
    switch kind {
    case .sqlite:
        try await withDatabasePath { path in
            let store = try SQLiteIncidentStore(path: path, clock: clock)
            try await body(StoreUnderTest(store: store) { sql in
                let queue = try DatabaseQueue(path: path)
                try await queue.write { try $0.execute(sql: sql) }
                try queue.close()
            })
        }
    case .postgres:
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 1, schema: schema, clock: clock) { stores in
                try await body(StoreUnderTest(store: stores[0], execute: schema.execute))
            }
        }
    }
}

/// A fresh schema on the test server, dropped when `body` ends, and a client that runs SQL in it.
struct PostgresSchemaUnderTest: Sendable {
    let name: String
    let client: PostgresClient

    @Sendable func execute(_ sql: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: sql))
    }

    var configuration: PostgresClient.Configuration {
        var configuration = StoreKind.postgresURL!.clientConfiguration(searchPath: name)
        // Tests run side by side; a few connections each keep the server under its limit.
        configuration.options.maximumConnections = 4
        return configuration
    }
}

func withPostgresSchema(_ body: (PostgresSchemaUnderTest) async throws -> Void) async throws {
    let url = try #require(StoreKind.postgresURL)
    // A few at a time: the whole test run shares two cores with the server.
    await PostgresTestSlots.shared.acquire()
    defer { Task { await PostgresTestSlots.shared.release() } }
    let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let client = PostgresClient(configuration: url.clientConfiguration(searchPath: name), backgroundLogger: Logger(label: "test-admin"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        try await client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(name)"))
        do {
            try await body(PostgresSchemaUnderTest(name: name, client: client))
        } catch {
            _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(name) CASCADE"))
            throw error
        }
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(name) CASCADE"))
    }
}

/// `count` stores on the schema, as replicas would each open one, running until `body` ends.
func withRunningPostgresStores(
    count: Int, schema: PostgresSchemaUnderTest, clock: TestClock, _ body: ([PostgresIncidentStore]) async throws -> Void
) async throws {
    let stores = (0..<count).map { _ in PostgresIncidentStore(configuration: schema.configuration, clock: clock, logger: Logger(label: "test-store")) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        for store in stores { group.addTask { try await store.run() } }
        defer { group.cancelAll() }
        try await body(stores)
    }
}

/// Limits how many PostgreSQL tests run at once.
actor PostgresTestSlots {
    static let shared = PostgresTestSlots(slots: 2)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
