import Foundation
import Incidents
import RunbookModel
import Storage
import TestSupport

struct Refused: Error {}

enum Fixtures {
    static let start = Timestamp(milliseconds: 1_780_000_000_000)

    static func at(seconds: Int) -> Timestamp { start.adding(seconds: seconds) }

    /// Three levels due at 0s, 60s and 120s after declaration.
    static let policy = PolicySnapshot(
        system: "invoice-pipeline", runsWhile: .unresolved,
        levels: [0, 60, 120].enumerated().map { index, after in
            PolicySnapshot.Level(
                level: index + 1, name: "Level \(index + 1)", afterSeconds: after,
                targets: [NotifyTarget(contactID: "c\(index + 1)", name: "Contact \(index + 1)", chat: .user(id: "U0\(index + 1)"))]
            )
        }
    )

    static func declaration(channel: String = "C1", title: String = "Invoices stuck") -> IncidentMachine.Declaration {
        IncidentMachine.Declaration(title: title, severity: .sev2, channel: channel, declaredBy: "U9", policy: policy)
    }

    /// A change whose effects all go to the incident's channel, unless `deliveries` says otherwise.
    static func change(_ transition: Transition, deliveries: [Delivery]? = nil) -> Change {
        Change(transition: transition, deliveries: deliveries ?? transition.effects.map { Delivery($0, to: .incidentChannel) })
    }

    @discardableResult
    static func declare(
        in store: any IncidentStore, channel: String = "C1", at seconds: Int = 0, deliveries: [Delivery]? = nil
    ) async throws -> Incident {
        try await store.declare { number in
            Fixtures.change(IncidentMachine.declare(Fixtures.declaration(channel: channel), number: number, at: Fixtures.at(seconds: seconds)), deliveries: deliveries)
        }
    }

    /// Applies an event through the store, as the bot does.
    @discardableResult
    static func apply(_ event: IncidentEvent, to id: String, at seconds: Int, in store: any IncidentStore) async throws -> Change? {
        try await store.update(id) { incident in
            Fixtures.change(try IncidentMachine.apply(event, to: incident, at: Fixtures.at(seconds: seconds)))
        }.saved
    }
}

/// Runs `body` with a database path in a fresh temporary directory (its parent directory
/// does not exist yet), and removes the directory afterwards.
func withDatabasePath(_ body: (String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("storage-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory.appendingPathComponent("data/incidents.sqlite").path)
}

/// `withDatabasePath` with a store already open on it.
func withStore(_ body: (SQLiteIncidentStore) async throws -> Void) async throws {
    try await withDatabasePath { path in
        try await body(try SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start)))
    }
}
