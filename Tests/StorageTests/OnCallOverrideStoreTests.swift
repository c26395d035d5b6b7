import Foundation
import Incidents
import Storage
import TestSupport
import Testing

/// Overrides recorded from chat, kept in the incidents' SQLite file across restarts.
struct OnCallOverrideStoreTests {
    @Test func overridesAreKeptAcrossReopeningAndCancelledOnce() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oncall-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = TestClock(now: Fixtures.start)
        let store = try SQLiteIncidentStore(path: path, clock: clock)
        let first = try await store.addOverride(
            rotationID: "fast-oncall", contactID: "alice", from: Fixtures.start, until: Fixtures.at(seconds: 7_200),
            reason: "dentist", by: "U0BOB", at: Fixtures.start
        )
        let second = try await store.addOverride(
            rotationID: "fast-oncall", contactID: "bob", from: Fixtures.at(seconds: 86_400), until: Fixtures.at(seconds: 90_000),
            reason: nil, by: "U0ADMIN", at: Fixtures.start
        )
        #expect(first.id != second.id)
        #expect(first.displayID == "OVR-\(first.id)")

        let reopened = try SQLiteIncidentStore(path: path, clock: clock)
        #expect(try await reopened.overrides(endingAfter: Fixtures.start) == [first, second])
        // An override that has ended is no longer returned.
        #expect(try await reopened.overrides(endingAfter: Fixtures.at(seconds: 7_200)) == [second])

        #expect(try await reopened.cancelOverride(id: first.id, by: "U0ADMIN", at: Fixtures.at(seconds: 60)) == first)
        #expect(try await reopened.cancelOverride(id: first.id, by: "U0ADMIN", at: Fixtures.at(seconds: 61)) == nil)
        #expect(try await reopened.cancelOverride(id: 999, by: "U0ADMIN", at: Fixtures.at(seconds: 61)) == nil)
        #expect(try await reopened.overrides(endingAfter: Fixtures.start) == [second])
        // Still readable by id, for the refusal that says it is already cancelled.
        #expect(try await reopened.override(id: first.id) == first)
    }
}
