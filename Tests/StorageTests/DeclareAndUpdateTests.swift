import GRDB
import Foundation
import Incidents
import Storage
import TestSupport
import Testing

@Suite(.hangWatchdog()) struct DeclareAndUpdateTests {
    @Test func numbersAreSequentialAndSurviveReopening() async throws {
        try await withDatabasePath { path in
            var first: Incident?
            do {
                let store = try SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start))
                first = try await Fixtures.declare(in: store)
                let second = try await Fixtures.declare(in: store, channel: "C2")
                #expect(first?.id == "INC-1")
                #expect(second.id == "INC-2")
            }
            // A new store on the same file: the old one is gone, its connections closed.
            let reopened = try SQLiteIncidentStore(path: path, clock: TestClock(now: Fixtures.start))
            let third = try await Fixtures.declare(in: reopened)
            #expect(third.id == "INC-3")
            #expect(try await reopened.incident("INC-1") == first)
            #expect(try await reopened.incident("INC-2")?.channel == "C2")
        }
    }

    @Test(arguments: StoreKind.all) func concurrentDeclarationsGetDistinctNumbers(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await Fixtures.declare(in: store).number } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...20))
            #expect(try await store.openIncidents(channel: nil).map(\.number) == Array(1...20))
        }
    }

    @Test(arguments: StoreKind.all) func throwingMakeSavesNothing(_ kind: StoreKind) async throws {
        // Spelled out: the only `try`s are inside macros, which closure inference does not see.
        try await withStore(kind) { store async throws in
            let refuse: @Sendable (Int) throws -> Change = { _ in throw Refused() }
            await #expect(throws: Refused.self) {
                _ = try await store.declare(refuse)
            }
            #expect(try await store.incident("INC-1") == nil)
            #expect(try await store.openIncidents(channel: nil).isEmpty)
            #expect(try await store.timeline("INC-1").isEmpty)
            #expect(try await store.deliveries("INC-1").isEmpty)
            #expect(try await store.deliverable(at: Fixtures.at(seconds: 3600)).isEmpty)
            // The number was rolled back with the rest: the first saved incident is still INC-1.
            #expect(try await Fixtures.declare(in: store).id == "INC-1")
        }
    }

    @Test(arguments: StoreKind.all) func declareSavesIncidentTimelineAndDeliveries(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let incident = try await Fixtures.declare(in: store)
            #expect(incident.levelsReached == 1)
            #expect(try await store.timeline("INC-1").map(\.kind) == [.declared, .escalated])
            let deliveries = try await store.deliveries("INC-1")
            #expect(deliveries.map(\.delivery.effect) == [.postCard, .notifyLevel(level: 1, reason: .declared)])
            #expect(deliveries.allSatisfy { $0.status == .pending && $0.queue == "slack:C1" && $0.attempts == 0 })
            #expect(try await store.deliverable(at: Fixtures.start).map(\.createdAt) == [Fixtures.start])
        }
    }

    @Test(arguments: StoreKind.all) func throwingOrDecliningChangeSavesNothing(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let declared = try await Fixtures.declare(in: store)
            let timeline = try await store.timeline("INC-1")
            let deliveries = try await store.deliveries("INC-1")

            await #expect(throws: Refused.self) {
                _ = try await store.update("INC-1") { _ in throw Refused() }
            }
            // Typed errors from the state machine come through unchanged.
            try await Fixtures.apply(.resolve(by: "U1", note: nil), to: "INC-1", at: 10, in: store)
            await #expect(throws: IncidentError.alreadyResolved("INC-1")) {
                try await Fixtures.apply(.acknowledge(by: "U1"), to: "INC-1", at: 20, in: store)
            }
            let declined = try await store.update("INC-1") { _ in nil }
            #expect(declined.saved == nil && "\(declined)" == "unchanged", "nil from change saves nothing")
            let missing = try await store.update("INC-99") { _ in Issue.record("called for a missing incident"); return nil }
            #expect("\(missing)" == "notFound")

            // Only the resolve was saved.
            #expect(try await store.incident("INC-1")?.state == .resolved)
            #expect(try await store.timeline("INC-1") == timeline + [TimelineEntry(at: Fixtures.at(seconds: 10), actor: "U1", kind: .resolved, text: "resolved")])
            #expect(try await store.deliveries("INC-1").count == deliveries.count + 2)
            #expect(declared.state == .triggered)
        }
    }

    @Test(arguments: StoreKind.all) func updateSavesIncidentTimelineAndDeliveriesTogether(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store)
            let change = try await Fixtures.apply(.update(by: "U2", text: "replaying the queue"), to: "INC-1", at: 30, in: store)
            #expect(change?.transition.incident.lastStatusText == "replaying the queue")

            let saved = try #require(try await store.incident("INC-1"))
            #expect(saved == change?.transition.incident)
            #expect(saved.lastStatusUpdateAt == Fixtures.at(seconds: 30))
            let last = try #require(try await store.timeline("INC-1").last)
            #expect(last == TimelineEntry(at: Fixtures.at(seconds: 30), actor: "U2", kind: .update, text: "replaying the queue"))
            let records = try await store.deliveries("INC-1")
            #expect(records.suffix(2).map(\.delivery.effect) == [.statusUpdate(text: "replaying the queue"), .updateCard])
            #expect(records.suffix(2).allSatisfy { $0.status == .pending })
        }
    }

    @Test(arguments: StoreKind.all) func updateStampsDeliveriesWithTheTransitionTime(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let declared = try await Fixtures.declare(in: store)
            // Deliver everything from the declaration, one queue head at a time.
            while let message = try await store.deliverable(at: Fixtures.start).first {
                try await store.markDelivered(message, threadTS: nil, at: Fixtures.start)
            }
            try await Fixtures.apply(.acknowledge(by: "U1"), to: declared.id, at: 45, in: store)
            let message = try #require(try await store.deliverable(at: Fixtures.at(seconds: 45)).first)
            #expect(message.delivery.effect == .updateCard)
            #expect(message.createdAt == Fixtures.at(seconds: 45))
            // Not tryable before it was made.
            #expect(try await store.deliverable(at: Fixtures.at(seconds: 44)).isEmpty)
        }
    }

    /// The counter row was deleted by hand: declaring recreates it from the highest number.
    @Test(arguments: StoreKind.all) func aLostCounterIsRecreatedAndNumbersNeverRepeat(_ kind: StoreKind) async throws {
        try await withStoreUnderTest(kind) { subject in
            let store = subject.store
            try await Fixtures.declare(in: store)
            try await Fixtures.declare(in: store)
            try await subject.execute("DELETE FROM incident_counter")
            let third = try await Fixtures.declare(in: store)
            #expect(third.id == "INC-3")
        }
    }
}
