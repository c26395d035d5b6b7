@testable import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Incidents
import RunbookModel
import Storage
import TestSupport
import Testing

/// `/readyz` says whether this process is fit for traffic; `/metrics` counts requests,
/// commands, lookups and escalations in Prometheus's format, with bounded labels.
struct ObservabilityTests {
    @Test func readinessFailsWhenAnEscalationIsOverdueOrAMessageIsStuck() async throws {
        let rig = try IncidentRig()
        await rig.declare()
        let controller = ObservabilityController(store: rig.store, clock: rig.clock, metrics: BotMetrics(), storeKind: "sqlite")
        // The level-1 ping is queued at once: fresh, so ready.
        #expect(await controller.readiness().ready)
        // Level 2 fell due at 60 s and nobody fired it: 25 s late is still within the limit…
        rig.clock.advance(by: .seconds(85))
        #expect(await controller.readiness().ready)
        // …35 s late is not.
        rig.clock.advance(by: .seconds(10))
        let late = await controller.readiness()
        #expect(!late.ready)
        #expect(late.problems == ["an escalation is 35 s overdue"])
        // Five minutes on, the undelivered card is too old as well.
        rig.clock.advance(by: .seconds(300))
        #expect(await controller.readiness().problems == [
            "an escalation is 335 s overdue", "outbox queue slack:C0INC has a message 395 s old",
        ])
    }

    /// A checklist stuck in the run outbox is a stuck message like any other: counted by
    /// queue, and not ready once it is 5 minutes old.
    @Test func theRunOutboxIsCountedAndWatchedToo() async throws {
        let rig = try IncidentRig()
        let metrics = BotMetrics()
        let controller = ObservabilityController(store: rig.store, runs: rig.store, clock: rig.clock, metrics: metrics, storeKind: "sqlite")
        let procedure = Procedure(id: "replay", title: "Replay", steps: [ProcedureStep(title: "Count")])
        let now = rig.clock.now()
        _ = try await rig.store.startRun { number in
            let started = RunMachine.start(procedure, system: "s", kind: .drill, incidentID: nil, channel: "C0DRILL", number: number, by: "U1", at: now)
            return RunChange(run: started.run, timeline: [], deliveries: [.postChecklist])
        }
        #expect(await controller.readiness().ready)
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains(#"runbook_outbox_depth{outbox="runs",queue="slack:C0DRILL"} 1"#))
        rig.clock.advance(by: .seconds(301))
        #expect(await controller.readiness().problems == ["run outbox queue slack:C0DRILL has a message 301 s old"])

        // Delivered: the queue reads 0, and all is well again.
        let message = try #require(try await rig.store.deliverableRunMessages(at: rig.clock.now()).first)
        try await rig.store.markRunDelivered(message, messageTS: "1.1", at: rig.clock.now())
        #expect(await controller.readiness().ready)
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains(#"runbook_outbox_depth{outbox="runs",queue="slack:C0DRILL"} 0"#))
    }

    @Test func metricsAndReadinessOverHTTP() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let configuration = try Fixture.fastBot(fake: fake, directory: directory)
        let store = FaultyStore(base: try SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: SystemClock()))
        let app = try buildApplication(configuration, logger: LogRecorder().logger(), store: store)
        try await app.test(.live) { client in
            func command(_ command: String, _ text: String) async throws {
                let body = Fixture.slashCommandBody(command: command, text: text)
                let headers = Fixture.signedHeaders(body: body, timestamp: Int64(Date().timeIntervalSince1970))
                try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    #expect($0.status == .ok)
                }
            }
            try await command("/runbook", "timeout")
            try await command("/runbook", "no such thing at all qqq")
            try await command("/incident", "declare lambda timeout")
            try await client.execute(uri: "/no/such/page?user=U123", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }

            let metrics = try await client.execute(uri: "/metrics", method: .get) { response -> String in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return String(buffer: response.body)
            }
            #expect(metrics.contains(#"runbook_http_requests_total{route="/slack/commands",status="200"} 3"#))
            #expect(metrics.contains(#"runbook_http_requests_total{route="other",status="404"} 1"#))
            #expect(metrics.contains(#"runbook_commands_total{verb="lookup",outcome="found"} 1"#))
            #expect(metrics.contains(#"runbook_commands_total{verb="declare",outcome="done"} 1"#))
            #expect(metrics.contains("runbook_lookup_duration_seconds_count 2"))
            #expect(metrics.contains(#"runbook_store_info{kind="other"} 1"#))
            #expect(metrics.contains("runbook_escalation_most_overdue_seconds"))
            // Bounded labels: no incident, user or unknown-path values.
            for unbounded in ["INC-1", "U123", "/no/such/page"] {
                #expect(!metrics.contains(unbounded), "a metric label carries \(unbounded)")
            }

            // The database goes away: not ready, and it says why.
            store.unreachable.withLock { $0 = true }
            let body = try await client.execute(uri: "/readyz", method: .get) { response -> String in
                #expect(response.status == .serviceUnavailable)
                return String(buffer: response.body)
            }
            #expect(body.contains("the store does not answer"))
        }
        await fake.stop()
    }
}
