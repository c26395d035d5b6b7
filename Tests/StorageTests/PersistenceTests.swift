import Foundation
import Incidents
import Storage
import TestSupport
import Testing

@Suite struct PersistenceTests {
    @Test func stateSurvivesReopeningTheFile() async throws {
        try await withDatabasePath { path in
            let before: (Incident?, [TimelineEntry], [DeliveryRecord], Timestamp?)
            let pending: [OutboxMessage]
            do {
                let store = try SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start))
                try await Fixtures.declare(in: store)
                try await Fixtures.declare(in: store, channel: "C2")
                try await Fixtures.apply(.acknowledge(by: "U1"), to: "INC-2", at: 5, in: store)
                let heads = try await store.deliverable(at: Fixtures.start)
                try await store.markDelivered(heads[0], threadTS: "1.1", at: Fixtures.start)
                try await store.markRetry(heads[1], retryAt: Fixtures.at(seconds: 40), error: "timeout")
                before = (try await store.incident("INC-1"), try await store.timeline("INC-2"), try await store.deliveries("INC-2"), try await store.nextDeadline())
                pending = try await store.deliverable(at: Fixtures.at(seconds: 40))
            }
            #expect(before.0?.threadTS == "1.1")
            #expect(before.3 == Fixtures.at(seconds: 60))
            #expect(pending.count == 2)

            let store = try SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start))
            #expect(try await store.incident("INC-1") == before.0)
            #expect(try await store.timeline("INC-2") == before.1)
            #expect(try await store.deliveries("INC-2") == before.2)
            #expect(try await store.nextDeadline() == before.3)
            // Pending rows are still pending, with their attempts and retry times.
            #expect(try await store.deliverable(at: Fixtures.at(seconds: 40)) == pending)
            #expect(try await store.deliverable(at: Fixtures.at(seconds: 39)).map(\.queue) == ["slack:C1"])
            #expect(pending.first { $0.queue == "slack:C2" }?.attempts == 1)
        }
    }

    /// Incidents name people and systems: the directory and database the store creates are
    /// the owner's only, whatever the umask.
    @Test func aNewDatabaseAndItsDirectoryAreOwnerOnly() async throws {
        try await withDatabasePath { path in
            let store = try SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start))
            try await Fixtures.declare(in: store)
            func mode(_ path: String) throws -> Int? {
                (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
            }
            #expect(try mode(URL(fileURLWithPath: path).deletingLastPathComponent().path) == 0o700)
            #expect(try mode(path) == 0o600)
            #expect(try mode(path + "-wal") == 0o600)
        }
    }

    /// Each installation gets its own id once, and keeps it.
    @Test func theInstallationIDIsMadeOnceAndKept() async throws {
        try await withDatabasePath { path in
            let first = try await SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start)).installationID()
            let again = try await SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start)).installationID()
            #expect(first == again)
            #expect(first.count == 16 && first.allSatisfy(\.isHexDigit))
            try await withDatabasePath { other in
                let another = try await SQLiteIncidentStore(path: other, clock: TestClock(now: Fixtures.start)).installationID()
                #expect(another != first)
            }
        }
    }
}
