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
}
