@testable import BotServer
import Incidents
import TestSupport
import Testing

/// The outbox sender against a test clock and a scripted transport: order per queue, the
/// waits it takes after rate limits and errors, and what it records.
struct OutboxSenderTests {
    @Test func deliversEachQueueInOrderAndTheCardBecomesTheThread() async throws {
        let rig = try IncidentRig()
        await rig.declare()
        let transport = ScriptedTransport()
        try await running(rig.sender(transport)) {
            #expect(await eventually { (try? await rig.store.deliveries("INC-1").allSatisfy { $0.status == .delivered }) == true })
        }
        #expect(transport.sent.map(\.delivery.effect) == [.postCard, .notifyLevel(level: 1, reason: .declared)])
        #expect(try await rig.store.incident("INC-1")?.threadTS == "1700000000.1")
    }

    @Test func aRateLimitWaitsExactlyRetryAfterThenSends() async throws {
        let rig = try IncidentRig()
        let start = rig.clock.now()
        await rig.declare()
        let transport = ScriptedTransport([.retry(after: .seconds(30), reason: "rate limited by Slack")])
        try await running(rig.sender(transport)) {
            // Parked until exactly 30 s later, with the card tried once and nothing behind it sent.
            #expect(await eventually { rig.clock.sleepers.contains(start.adding(seconds: 30)) })
            #expect(transport.sent.map(\.delivery.effect) == [.postCard])
            let card = try #require(try await rig.store.deliveries("INC-1").first)
            #expect(card.status == .pending && card.attempts == 1 && card.lastError == "rate limited by Slack")

            rig.clock.advance(by: .seconds(30))
            #expect(await eventually { transport.sent.count == 3 })
            #expect(transport.sent.map(\.delivery.effect) == [.postCard, .postCard, .notifyLevel(level: 1, reason: .declared)])
        }
    }

    @Test func errorsBackOffExponentiallyWithJitter() async throws {
        let rig = try IncidentRig()
        let start = rig.clock.now()
        await rig.declare()
        let transport = ScriptedTransport([
            .retry(after: nil, reason: "Slack answered 500"), .retry(after: nil, reason: "Slack answered 500"),
        ])
        try await running(rig.sender(transport)) {
            // First wait: 1 s scaled by 0.5–1.0.
            #expect(await eventually { rig.clock.sleepers.contains { $0 > start } })
            let first = try #require(rig.clock.sleepers.first { $0 > start })
            #expect(first >= start.adding(milliseconds: 500) && first <= start.adding(seconds: 1))
            rig.clock.advance(to: first)
            // Second wait: 2 s scaled by 0.5–1.0, counted from the second failure.
            #expect(await eventually { transport.sent.count == 2 && rig.clock.sleepers.contains { $0 > first } })
            let second = try #require(rig.clock.sleepers.first { $0 > first })
            #expect(second >= first.adding(seconds: 1) && second <= first.adding(seconds: 2))
            rig.clock.advance(to: second)
            #expect(await eventually { transport.sent.count == 4 })
        }
    }

    @Test func aFinalErrorIsRecordedAndTheQueueMovesOn() async throws {
        let rig = try IncidentRig()
        await rig.declare()
        let transport = ScriptedTransport([.failed(reason: "channel_not_found")])
        try await running(rig.sender(transport)) {
            #expect(await eventually { transport.sent.count == 2 })
        }
        let deliveries = try await rig.store.deliveries("INC-1")
        #expect(deliveries.map(\.status) == [.failed, .delivered])
        #expect(try await rig.store.timeline("INC-1").last?.text == "could not deliver the incident card to slack:C0INC: channel_not_found")
        #expect(rig.logs.messages("outbox: delivery failed for good").first?.metadata["reason"] == "channel_not_found")
    }

    /// Recording a delivery fails (a locked database): the message is not sent again; its
    /// queue waits while the recording is retried with backoff, then goes on.
    @Test func aDeliveryThatCannotBeRecordedIsNotSentAgain() async throws {
        let rig = try IncidentRig()
        let start = rig.clock.now()
        await rig.declare()
        let store = FaultyStore(base: rig.store)
        store.failingRecords.withLock { $0 = 2 }
        let transport = ScriptedTransport()
        let sender = OutboxSender(store: store, transport: transport, clock: rig.clock, wakeup: rig.outboxWakeup, logger: rig.logs.logger())
        try await running(sender) {
            // The card went out once; writing that down failed, so the sender waits 0.5–1 s.
            #expect(await eventually { rig.clock.sleepers.contains { $0 > start } })
            #expect(transport.sent.map(\.delivery.effect) == [.postCard])
            let firstRetry = try #require(rig.clock.sleepers.first { $0 > start })
            #expect(firstRetry >= start.adding(milliseconds: 500) && firstRetry <= start.adding(seconds: 1))

            // The second try at recording fails too: 1–2 s more, and still no second send.
            rig.clock.advance(to: firstRetry)
            #expect(await eventually { store.failingRecords.withLock { $0 } == 0 && rig.clock.sleepers.contains { $0 > firstRetry } })
            #expect(transport.sent.count == 1)
            let secondRetry = try #require(rig.clock.sleepers.first { $0 > firstRetry })
            #expect(secondRetry >= firstRetry.adding(seconds: 1) && secondRetry <= firstRetry.adding(seconds: 2))

            // Recorded at last: the card is delivered once and its thread saved; the queue goes on.
            rig.clock.advance(to: secondRetry)
            #expect(await eventually { (try? await rig.store.deliveries("INC-1").allSatisfy { $0.status == .delivered }) == true })
        }
        #expect(transport.sent.map(\.delivery.effect) == [.postCard, .notifyLevel(level: 1, reason: .declared)])
        #expect(try await rig.store.incident("INC-1")?.threadTS == "1700000000.1")
        #expect(rig.logs.messages("outbox: could not record a delivery; its queue waits until it is recorded").count == 1)
    }
}
