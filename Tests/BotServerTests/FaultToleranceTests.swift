@testable import BotServer
import GRDB
import Incidents
import PagerDuty
import Synchronization
import TestSupport
import Testing

/// Faults degrade, never spin: a damaged row is set aside and everything else goes on; a
/// page PagerDuty refuses for a configuration error stays queued, is reported once, and goes
/// out once the setting is fixed.
struct FaultToleranceTests {
    @Test func aDamagedIncidentIsSetAsideAndTheOthersStillEscalate() async throws {
        let rig = try IncidentRig()
        for text in ["lambda timeout", "lambda timeout again", "lambda timeout third"] { await rig.declare(text) }
        try await rig.database.write { db in
            try db.execute(sql: "UPDATE incident SET body = '{\"number\":' WHERE id = 'INC-2'")
        }
        try await running(rig.scheduler) {
            rig.clock.advance(by: .seconds(60))
            #expect(await eventually { (try? await rig.levelsNotified("INC-3")) == [1, 2] })
            #expect((try? await rig.levelsNotified("INC-1")) == [1, 2])
            rig.clock.advance(by: .seconds(60))
            #expect(await eventually { (try? await rig.levelsNotified("INC-3")) == [1, 2, 3] })
        }
        // Logged once, with its id, however often it was met.
        let logged = rig.logs.messages("store: an incident cannot be read; it is set aside and everything else goes on")
        #expect(logged.count == 1)
        #expect(logged.first?.metadata["incident"] == "INC-2")
        let list = await rig.desk.handle(IncidentCommand(text: "list"), actor: "U0ALEX", channel: "C0INC")
        #expect(list.card.title == "Open incidents in this channel (2)")
        #expect(String(describing: list.card.sections).contains("Damaged records, set aside (1)"))
        let show = await rig.desk.handle(IncidentCommand(text: "show INC-2"), actor: "U0ALEX", channel: "C0INC")
        #expect(show.refusal == .damaged(id: "INC-2"))
    }

    /// Answers PagerDuty deliveries as a wrong routing key would until `fixed`; Slack ones succeed.
    final class WrongRoutingKey: Transport {
        let state = Mutex<(fixed: Bool, pageAttempts: Int, posts: [Effect])>((false, 0, []))

        func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome {
            state.withLock { state in
                guard message.delivery.destination == .pagerDuty else {
                    state.posts.append(message.delivery.effect)
                    return .delivered(messageID: "1700000000.\(state.posts.count)")
                }
                state.pageAttempts += 1
                return state.fixed ? .delivered(messageID: nil) : PagerDutyEvents.classify(status: 401, body: "bad key R0SECRET", routingKey: "R0SECRET")
            }
        }
    }

    @Test func aRefusedPageStaysQueuedIsReportedOnceAndGoesOutWhenFixed() async throws {
        let rig = try IncidentRig()
        await rig.declare("invoices down", severity: "critical")
        let transport = WrongRoutingKey()
        try await running(rig.sender(transport)) {
            #expect(await eventually { transport.state.withLock { $0.pageAttempts } == 1 })
            // Told in the thread once, in the timeline once, and kept pending.
            #expect(await eventually { transport.state.withLock { $0.posts.contains { if case .deliveryProblem = $0 { true } else { false } } } })
            let page = try #require(try await rig.store.deliveries("INC-1").first { $0.delivery.destination == .pagerDuty })
            #expect(page.status == .pending)
            #expect(page.lastError?.contains("PagerDuty refused the page (HTTP 401)") == true)
            #expect(page.lastError?.contains("R0SECRET") == false, "the routing key is never repeated")

            // Still refused on the next tries: no new notice, no new timeline line.
            for attempt in 2...3 {
                #expect(await eventually { rig.clock.sleepers.contains { $0 > rig.clock.now() } })
                rig.clock.advance(to: try #require(rig.clock.sleepers.first { $0 > rig.clock.now() }))
                #expect(await eventually { transport.state.withLock { $0.pageAttempts } == attempt })
            }
            let show = await rig.desk.handle(IncidentCommand(text: "show INC-1"), actor: "U0ALEX", channel: "C0INC")
            #expect(String(describing: show.card.sections).contains("still trying pagerduty: configuration: PagerDuty refused the page"))

            transport.state.withLock { $0.fixed = true }
            #expect(await eventually { rig.clock.sleepers.contains { $0 > rig.clock.now() } })
            rig.clock.advance(to: try #require(rig.clock.sleepers.first { $0 > rig.clock.now() }))
            #expect(await eventually {
                (try? await rig.store.deliveries("INC-1").first { $0.delivery.destination == .pagerDuty }?.status) == .delivered
            })
        }
        let problems = transport.state.withLock { $0.posts.filter { if case .deliveryProblem = $0 { true } else { false } } }
        #expect(problems.count == 1)
        let lines = try await rig.store.timeline("INC-1").filter { $0.kind == .deliveryFailed }
        #expect(lines.count == 1)
        #expect(lines.first?.text.contains("It stays queued and is retried") == true)
        #expect(rig.logs.messages("outbox: refused for a configuration error; kept queued and retried").count == 3)
    }

    @Test func pagerDutyAnswersAreClassified() {
        for status: UInt in [401, 403, 404] {
            guard case .misconfigured(let reason) = PagerDutyEvents.classify(status: status, body: "key R0KEY invalid", routingKey: "R0KEY") else {
                Issue.record("\(status) should be a configuration error")
                continue
            }
            #expect(!reason.contains("R0KEY"))
        }
        #expect(PagerDutyEvents.classify(status: 202, body: "", routingKey: "k") == .delivered(messageID: nil))
        #expect(PagerDutyEvents.classify(status: 503, body: "", routingKey: "k") == .retry(after: nil, reason: "PagerDuty answered 503"))
        #expect(PagerDutyEvents.classify(status: 400, body: "bad event for R0KEY", routingKey: "R0KEY")
            == .failed(reason: "PagerDuty answered 400: bad event for [routing key]"))
    }
}
