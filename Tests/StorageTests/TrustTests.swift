import Foundation
import GRDB
import Incidents
import Storage
import TestSupport
import Testing

/// The store under faults and abuse: a wall clock that steps back, rows that cannot be
/// decoded, and keys remembered for de-duplication.
@Suite(.hangWatchdog()) struct TrustTests {
    @Test(arguments: StoreKind.all) func aClockSteppedBackDelaysARetryByItsOwnWaitNotByTheStep(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, deliveries: OutboxTests.deliveries)
            let head = try #require(try await store.deliverable(at: Fixtures.start).first)
            try await store.markRetry(head, retryAt: Fixtures.at(seconds: 10), error: "Slack answered 500")
            // Someone sets the host's clock back an hour.
            let stepped = Fixtures.at(seconds: -3600)
            let due = try await store.deliverable(at: stepped)
            #expect(!due.contains { $0.id == head.id })
            #expect(try await store.nextDeliveryAttempt() == stepped.adding(seconds: 10), "the wait counts again from now")
            #expect(try await store.deliverable(at: stepped.adding(seconds: 10)).contains { $0.id == head.id })
        }
    }

    @Test(arguments: StoreKind.all) func keysAreRememberedForTheirWindowAndThenForgotten(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            func sighting(_ key: String, at seconds: Int) async throws -> Bool {
                try await store.firstSighting(key, at: Fixtures.at(seconds: seconds), keepFor: .seconds(7200))
            }
            let first = try await sighting("event:Ev1", at: 0)
            let again = try await sighting("event:Ev1", at: 3600)
            let other = try await sighting("event:Ev2", at: 3600)
            // Past the window the old key is pruned and counts as new.
            let later = try await sighting("event:Ev1", at: 7201)
            #expect(first && !again && other && later)
        }
    }

    @Test(arguments: StoreKind.all) func undecodableRowsAreSetAsideAndEverythingElseRuns(_ kind: StoreKind) async throws {
        try await withStoreUnderTest(kind) { subject in
            let store = subject.store
            for channel in ["C1", "C2", "C3"] {
                try await Fixtures.declare(in: store, channel: channel, deliveries: [
                    Delivery(.postCard, to: .incidentChannel), Delivery(.notifyLevel(level: 1, reason: .declared), to: .incidentChannel),
                ])
            }
            // A hand edit breaks INC-2's record and INC-3's first outbox message.
            try await subject.execute("UPDATE incident SET body = '{\"broken\":' WHERE id = 'INC-2'")
            try await subject.execute("UPDATE outbox SET body = 'not json' WHERE id = (SELECT MIN(id) FROM outbox WHERE incident_number = 3)")

            #expect(try await store.openIncidents(channel: nil).map(\.id) == ["INC-1", "INC-3"])
            await #expect(throws: DamagedRecordError.self) { try await store.incident("INC-2") }
            let result = try await store.update("INC-2") { _ in nil }
            guard case .damaged = result else { Issue.record("expected .damaged, got \(result)"); return }
            // The scheduler no longer meets it.
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 3600)).contains("INC-2") == false)

            // INC-3's queue goes on past the broken message: set aside when first met, then
            // the next message is the queue's head. (INC-2's messages stay queued; the sender
            // records them as failed when it cannot read their incident.)
            let first = try await store.deliverable(at: Fixtures.start)
            #expect(first.map(\.incidentID).sorted() == ["INC-1", "INC-2"])
            let heads = try await store.deliverable(at: Fixtures.start)
            #expect(heads.map(\.incidentID).sorted() == ["INC-1", "INC-2", "INC-3"])
            #expect(heads.first { $0.incidentID == "INC-3" }?.delivery.effect == .notifyLevel(level: 1, reason: .declared))

            let damaged = try await store.damagedIncidents(channel: nil)
            #expect(damaged.map(\.id).sorted() == ["INC-2", "INC-3 (outbox message 5)"])
            #expect(try await store.damagedIncidents(channel: "C1").isEmpty)
            #expect(try await store.damagedIncidents(channel: "C2").map(\.id) == ["INC-2"])
        }
    }

    /// A newer binary may write timeline kinds this one does not know: the line is shown as
    /// written, and the rest of the timeline with it.
    @Test(arguments: StoreKind.all) func aTimelineLineOfAnUnknownKindIsShownAsWritten(_ kind: StoreKind) async throws {
        try await withStoreUnderTest(kind) { subject in
            let store = subject.store
            try await Fixtures.declare(in: store)
            let before = try await store.timeline("INC-1")
            try await subject.execute("""
                INSERT INTO timeline (incident_number, at, actor, kind, text)
                VALUES (1, \(Fixtures.at(seconds: 5).milliseconds), 'U9', 'runStepDone', 'RUN-1 step 2 done')
                """)
            let timeline = try await store.timeline("INC-1")
            #expect(Array(timeline.dropLast()) == before)
            #expect(timeline.last?.text == "RUN-1 step 2 done" && timeline.last?.actor == "U9")
        }
    }
}
