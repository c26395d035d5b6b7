import Incidents
import Storage
import TestSupport
import Testing

@Suite(.hangWatchdog()) struct OutboxTests {
    /// INC-1 in C1 with A1, B1, A2 made in that order: queue A is `slack:C1`, queue B `slack:C9`.
    static let deliveries = [
        Delivery(.postCard, to: .incidentChannel),
        Delivery(.statusUpdate(text: "declared"), to: .statusChannel("C9")),
        Delivery(.notifyLevel(level: 1, reason: .declared), to: .incidentChannel),
    ]

    @Test(arguments: StoreKind.all) func eachQueueHandsOutItsOldestRowFirst(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, deliveries: Self.deliveries)
            let heads = try await store.deliverable(at: Fixtures.start)
            #expect(heads.map(\.delivery) == [Self.deliveries[0], Self.deliveries[1]])
            #expect(heads.map(\.queue) == ["slack:C1", "slack:C9"])
            #expect(heads.allSatisfy { $0.incidentID == "INC-1" && $0.attempts == 0 })
            #expect(try await store.nextDeliveryAttempt() == Fixtures.start)
            // Handed out again until marked.
            #expect(try await store.deliverable(at: Fixtures.start) == heads)
            #expect(try await store.deliverable(at: Fixtures.at(seconds: -1)).isEmpty)
        }
    }

    @Test(arguments: StoreKind.all) func aWaitingHeadHoldsBackItsQueueOnly(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, deliveries: Self.deliveries)
            let heads = try await store.deliverable(at: Fixtures.start)
            let (a1, b1) = (heads[0], heads[1])

            try await store.markRetry(a1, retryAt: Fixtures.at(seconds: 30), error: "rate_limited")
            // A2 is older than 30s too, but may not overtake A1; B still flows.
            #expect(try await store.deliverable(at: Fixtures.at(seconds: 1)) == [b1])
            try await store.markDelivered(b1, threadTS: nil, at: Fixtures.at(seconds: 1))
            // Only A1's retry time counts, not A2's creation time.
            #expect(try await store.nextDeliveryAttempt() == Fixtures.at(seconds: 30))
            #expect(try await store.deliverable(at: Fixtures.at(seconds: 29)).isEmpty)

            let retried = try #require(try await store.deliverable(at: Fixtures.at(seconds: 30)).first)
            #expect(retried.id == a1.id)
            #expect(retried.attempts == 1)
            try await store.markDelivered(retried, threadTS: "1780000000.000100", at: Fixtures.at(seconds: 30))

            let next = try await store.deliverable(at: Fixtures.at(seconds: 30))
            #expect(next.map(\.delivery) == [Self.deliveries[2]])
            let records = try await store.deliveries("INC-1")
            #expect(records.map(\.status) == [.delivered, .delivered, .pending])
            #expect(records[0].attempts == 1)
            #expect(records[0].lastError == "rate_limited")

            try await store.markDelivered(next[0], threadTS: nil, at: Fixtures.at(seconds: 31))
            #expect(try await store.deliverable(at: Fixtures.at(seconds: 100_000)).isEmpty)
            #expect(try await store.nextDeliveryAttempt() == nil)
        }
    }

    @Test(arguments: StoreKind.all) func failedDeliveryIsRecordedInTheTimeline(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, deliveries: Self.deliveries)
            let a1 = try await store.deliverable(at: Fixtures.start)[0]
            try await store.markFailed(a1, error: "channel_not_found", at: Fixtures.at(seconds: 5))

            let entry = try #require(try await store.timeline("INC-1").last)
            #expect(entry.kind == .deliveryFailed)
            #expect(entry.actor == "runbook-bot")
            #expect(entry.at == Fixtures.at(seconds: 5))
            #expect(entry.text.contains("slack:C1") && entry.text.hasSuffix(": channel_not_found"))

            let record = try #require(try await store.deliveries("INC-1").first)
            #expect(record.status == .failed)
            #expect(record.lastError == "channel_not_found")
            #expect(record.attempts == 1)
            // The queue moves on past the failed row.
            #expect(try await store.deliverable(at: Fixtures.start).map(\.delivery) == [Self.deliveries[1], Self.deliveries[2]])

            // Marking the same row again changes nothing.
            let timelineCount = try await store.timeline("INC-1").count
            try await store.markFailed(a1, error: "again", at: Fixtures.at(seconds: 6))
            try await store.markDelivered(a1, threadTS: "1.2", at: Fixtures.at(seconds: 6))
            #expect(try await store.timeline("INC-1").count == timelineCount)
            #expect(try await store.deliveries("INC-1").first == record)
            #expect(try await store.incident("INC-1")?.threadTS == nil)
        }
    }

    @Test(arguments: StoreKind.all) func onlyADeliveredCardSetsTheThread(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, deliveries: [
                Delivery(.postCard, to: .statusChannel("C9")),
                Delivery(.notifyLevel(level: 1, reason: .declared), to: .incidentChannel),
                Delivery(.postCard, to: .incidentChannel),
            ])
            let heads = try await store.deliverable(at: Fixtures.start)
            // A card in a status channel and a ping are not the incident's thread.
            try await store.markDelivered(heads[0], threadTS: "111.1", at: Fixtures.start)
            try await store.markDelivered(heads[1], threadTS: "222.2", at: Fixtures.start)
            #expect(try await store.incident("INC-1")?.threadTS == nil)

            let card = try #require(try await store.deliverable(at: Fixtures.start).first)
            #expect(card.delivery == Delivery(.postCard, to: .incidentChannel))
            try await store.markDelivered(card, threadTS: "333.3", at: Fixtures.start)
            let incident = try #require(try await store.incident("INC-1"))
            #expect(incident.threadTS == "333.3")
            // Only the thread changed.
            #expect(incident.levelsReached == 1 && incident.state == .triggered)
        }
    }

    /// A store that hands a message out with its incident (PostgreSQL reads it with the
    /// claim) hands out the incident as stored at that moment, never an earlier reading.
    @Test(arguments: StoreKind.all) func aClaimedMessageCarriesItsIncidentAsStoredNow(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, deliveries: [
                Delivery(.postCard, to: .incidentChannel), Delivery(.notifyLevel(level: 1, reason: .declared), to: .incidentChannel),
            ])
            let card = try #require(try await store.deliverable(at: Fixtures.start).first)
            try await store.markDelivered(card, threadTS: "444.4", at: Fixtures.start)
            let ping = try #require(try await store.deliverable(at: Fixtures.start).first)
            let stored = try #require(try await store.incident("INC-1"))
            #expect(stored.threadTS == "444.4")
            if kind == .postgres { #expect(ping.incident == stored) } else { #expect(ping.incident == nil || ping.incident == stored) }
        }
    }
}
