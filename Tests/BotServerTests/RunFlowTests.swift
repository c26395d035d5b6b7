import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Incidents
import Logging
import RunbookModel
import Slack
import Storage
import Synchronization
import TestSupport
import Testing

/// Procedure runs and drills end to end: the real server, scheduler and outboxes, a real
/// SQLite file (and PostgreSQL when `TEST_DATABASE_URL` is set), the fake Slack on loopback,
/// and the test clock for watch timers.
@Suite(.serialized, .hangWatchdog())
struct RunFlowTests {
    static let settings = """
        timezone: UTC
        incidents:
          default_system: fast
        """

    struct Bot {
        let client: any TestClientProtocol
        let fake: FakeSlackAndPagerDuty
        let clock: TestClock
        let store: any IncidentStore & RunStore

        var timestamp: Int64 { clock.now().milliseconds / 1000 }

        /// Sends a slash command signed now; returns the reply's JSON (text and blocks), slashes unescaped.
        @discardableResult
        func send(_ command: String, _ text: String, user: String = "U0ALEX", channel: String = "C123") async throws -> String {
            let body = Fixture.slashCommandBody(command: command, text: text)
                .replacingOccurrences(of: "user_id=U123", with: "user_id=\(user)")
                .replacingOccurrences(of: "channel_id=C123", with: "channel_id=\(channel)")
            let headers = Fixture.signedHeaders(body: body, timestamp: timestamp)
            return try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                #expect($0.status == .ok)
                return String(buffer: $0.body).replacingOccurrences(of: "\\/", with: "/")
            }
        }

        private static let clicks = Mutex<Int>(0)

        /// Clicks a button as Slack posts it: a signed `block_actions` payload, with the
        /// message's text fields (`state.values`) as typed.
        func click(_ actionID: String, _ value: String, user: String = "U0ALEX", channel: String = "C123", typed: [String: String] = [:]) async throws {
            let actionTS = Self.clicks.withLock { count -> Int in
                count += 1
                return count
            }
            let values = typed.map { #""\#($0.key)":{"\#($0.key)":{"type":"plain_text_input","value":"\#($0.value)"}}"# }.joined(separator: ",")
            let payload = """
                {"type":"block_actions","user":{"id":"\(user)"},"channel":{"id":"\(channel)"},"response_url":"\(fake.responseURL)",\
                "state":{"values":{\(values)}},\
                "actions":[{"action_id":"\(actionID)","type":"button","value":"\(value)","action_ts":"\(timestamp).\(actionTS)"}]}
                """
            let body = FormBody.encode([("payload", payload)])
            let headers = Fixture.signedHeaders(body: body, timestamp: timestamp)
            try await client.execute(uri: "/slack/interactions", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                #expect($0.status == .ok)
            }
        }

        var updates: [FakeSlackAndPagerDuty.Call] { fake.all.filter { $0.path == "/api/chat.update" && $0.json["fake_outcome"] == "ok" } }

        func post(containing text: String) -> FakeSlackAndPagerDuty.Call? {
            fake.slackPosts.first { $0.raw.contains(text) }
        }

        /// Waits until the run has moved to `step` (1-based), or finished when nil, and its
        /// checklist shows it.
        func reached(_ run: String, step: Int?) async -> Bool {
            await eventually(timeout: .seconds(60)) {
                guard let saved = try? await store.run(run), saved.current.map({ $0 + 1 }) == step else { return false }
                return true
            }
        }
    }

    func withBot(on kind: BotStoreKind = .sqlite, _ body: @escaping @Sendable (Bot) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-flow-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let (library, settings) = try ProcedureRunbook.load(settings: Self.settings)
        var configuration = BotConfiguration(library: library, settings: settings, signingSecret: Fixture.secret)
        configuration.port = 0
        configuration.dataDirectory = directory + "/data"
        configuration.slack.botToken = "xoxb-test"
        configuration.slack.apiURL = fake.slackURL
        let clock = TestClock(now: SystemClock().now())
        let logs = LogRecorder()
        func serve(reading store: any IncidentStore & RunStore) async throws {
            let app = try buildApplication(configuration, logger: logs.logger(), clock: clock)
            try await app.test(.live) { client in
                try await body(Bot(client: client, fake: fake, clock: clock, store: store))
            }
        }
        do {
            switch kind {
            case .sqlite:
                try await serve(reading: try SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: clock))
            case .postgres:
                try await withTestDatabase { url, _ in
                    configuration.databaseURL = url
                    try await withStoreReading(url, clock: clock) { try await serve(reading: $0) }
                }
            }
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    @Test(arguments: BotStoreKind.all) func anIncidentRunFromTheCardToThePostmortem(_ kind: BotStoreKind) async throws {
        try await withBot(on: kind) { bot in
            try await bot.send("/incident", "declare lambda timeout")
            // The card offers the failure mode's procedure.
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "\"action_id\":\"run_start\"") != nil })
            let card = try #require(bot.post(containing: "\"action_id\":\"run_start\""))
            #expect(card.raw.contains("\"value\":\"INC-1|replay-backlog\""))
            #expect(card.raw.contains("Start procedure: Replay the backlog"))
            let cardTS = try #require(card.json["fake_ts"])
            #expect(await eventually(timeout: .seconds(60)) { (try? await bot.store.incident("INC-1"))??.threadTS == cardTS })

            // Start from the card's button: the checklist is posted once, in the incident's thread.
            try await bot.click("run_start", "INC-1|replay-backlog")
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "RUN-1 · Replay the backlog") != nil })
            let checklist = try #require(bot.post(containing: "RUN-1 · Replay the backlog"))
            #expect(checklist.json["thread_ts"] == cardTS)
            #expect(checklist.raw.contains("The parser is healthy again"), "assumptions to confirm first")
            #expect(checklist.raw.contains("aws sqs get-queue-attributes"), "the current step's command")
            #expect(checklist.raw.contains("0 of 5 steps"))
            let checklistTS = try #require(checklist.json["fake_ts"])

            // Step 1 with its button and a note typed in the field under the steps: the
            // checklist is replaced in place.
            #expect(checklist.raw.contains(#""type":"input""#) && checklist.raw.contains("run_note@RUN-1@1"), "a note field for step 1")
            try await bot.click("run_done", "RUN-1@1", typed: ["run_note@RUN-1@1": "4200 messages in the DLQ"])
            #expect(await bot.reached("RUN-1", step: 2))
            #expect(await eventually(timeout: .seconds(60)) { bot.updates.contains { $0.json["ts"] == checklistTS && $0.raw.contains("1 of 5 steps") } })
            // The same (stale) click again changes nothing and says why.
            try await bot.click("run_done", "RUN-1@1")
            #expect(await eventually(timeout: .seconds(60)) { bot.fake.responses.contains { $0.raw.contains("moved on to step 2") } })

            // Step 2 watches for 5 minutes: when that runs out, the thread is asked.
            bot.clock.advance(by: .seconds(301))
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "Does this hold now?") != nil })
            let ask = try #require(bot.post(containing: "Does this hold now?"))
            #expect(ask.json["thread_ts"] == cardTS)
            #expect(ask.raw.contains("queue depth falls") && ask.raw.contains("Yes, done") && ask.raw.contains("No, escalate"))
            // "No, escalate": the step's contact is pinged in the thread.
            try await bot.click("run_expect_no", "RUN-1@2")
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "<!subteam^S0LEADS>") != nil })
            let ping = try #require(bot.post(containing: "<!subteam^S0LEADS>"))
            #expect(ping.json["thread_ts"] == cardTS)
            #expect(ping.raw.contains("RUN-1") && ping.raw.contains("Replay in small batches"))

            // The same step by text, with a note; then a decision that jumps over step 4.
            #expect(try await bot.send("/runbook", "step skip not needed").contains("RUN-1: step skipped; now step 3"))
            let chose = try await bot.send("/runbook", "step choose 1")
            #expect(chose.contains("now step 5: Tell finance"), "\(chose)")
            #expect(try await bot.send("/runbook", "step show").contains("RUN-1 step 5 of 5: Tell finance"))
            try await bot.click("run_done", "RUN-1@5")
            #expect(await bot.reached("RUN-1", step: nil))
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "RUN-1 finished") != nil })
            #expect(await eventually(timeout: .seconds(60)) { bot.updates.contains { $0.json["ts"] == checklistTS && $0.raw.contains("4 of 5 steps") && $0.raw.contains("finished") } })
            #expect(bot.fake.slackPosts.filter { $0.raw.contains("RUN-1 · Replay the backlog") }.count == 1, "posted once, then updated")

            // Every step is in the incident's timeline.
            let lines = try await bot.store.timeline("INC-1").map(\.text)
            for expected in ["RUN-1: started Replay the backlog (5 steps)", "RUN-1 step 1 done: 4200 messages in the DLQ", "RUN-1 step 2: watched for 5m",
                             "RUN-1 step 2: escalated to lead", "RUN-1 step 2 skipped: not needed",
                             "RUN-1 step 3: chose “If the counts match: continue to step 5.”", "RUN-1 step 5 done", "RUN-1 finished in 5m"] {
                #expect(lines.contains { $0.hasPrefix(expected) }, "timeline lacks \(expected): \(lines)")
            }
            #expect(try await bot.send("/incident", "show").contains("Procedure runs"))

            // The postmortem: summarised in the thread, the whole document in Markdown.
            #expect(try await bot.send("/incident", "postmortem").contains("postmortem summary posted"))
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "Postmortem summary") != nil })
            let summary = try #require(bot.post(containing: "Postmortem summary"))
            #expect(summary.json["thread_ts"] == cardTS)
            // The follow-up names the line of the skipped step in the runbook file, in chat too.
            let replayLine = try #require(ProcedureRunbook.yaml().split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("- title: Replay in small batches") }) + 1
            #expect(summary.raw.contains("Step 2 of replay-backlog was skipped: “not needed” — still right? ("), "\(summary.raw)")
            #expect(summary.raw.contains("fast.yaml:\(replayLine))"), "\(summary.raw)")
            let incident = try #require(try await bot.store.incident("INC-1"))
            let postmortem = Postmortem(incident: incident, timeline: try await bot.store.timeline("INC-1"), deliveries: try await bot.store.deliveries("INC-1"),
                                        runs: try await bot.store.runs(incidentID: "INC-1"), runbookFile: "runbooks/fast.yaml")
            let markdown = MarkdownRenderer.render(postmortem.card(times: TimeFormatter(timeZoneIdentifier: "UTC"), now: bot.clock.now()))
            for heading in ["## Summary", "## Timeline", "## Escalation", "## Procedure runs", "## Updates", "## Runbook follow-ups"] {
                #expect(markdown.contains(heading), "missing \(heading)")
            }
            #expect(markdown.contains("Replay in small batches — skipped"))
            #expect(markdown.contains("Step 2 of replay-backlog was skipped: “not needed” — still right? (runbooks/fast.yaml)"))
        }
    }

    @Test(arguments: BotStoreKind.all) func aDrillPingsNobodyAndIsThenNoLongerNeverDrilled(_ kind: BotStoreKind) async throws {
        try await withBot(on: kind) { bot in
            #expect(try await bot.send("/runbook", "list").contains("replay-backlog has never been drilled"))
            #expect(try await bot.send("/runbook", "drill lambda-timeout", channel: "C0DRILL").contains("DRILL RUN-1 started"))
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "DRILL · RUN-1") != nil })
            let checklist = try #require(bot.post(containing: "DRILL · RUN-1"))
            #expect(checklist.json["channel"] == "C0DRILL" && checklist.json["thread_ts"] == nil, "a drill's checklist starts its own thread")
            let drillTS = try #require(checklist.json["fake_ts"])

            bot.clock.advance(by: .seconds(60))
            try await bot.click("run_done", "RUN-1@1", channel: "C0DRILL")
            #expect(await bot.reached("RUN-1", step: 2))
            // Escalating in a drill records who would have been pinged, and pings nobody.
            try await bot.click("run_escalate", "RUN-1@2", channel: "C0DRILL")
            #expect(await eventually(timeout: .seconds(60)) { bot.updates.contains { $0.raw.contains("would have pinged Leads") } })
            bot.clock.advance(by: .seconds(120))
            for _ in 0..<4 {
                try await bot.send("/runbook", "step done", channel: "C0DRILL")
            }
            #expect(await bot.reached("RUN-1", step: nil))
            #expect(await eventually(timeout: .seconds(60)) { bot.post(containing: "DRILL · RUN-1 finished") != nil })
            let summary = try #require(bot.post(containing: "DRILL · RUN-1 finished"))
            #expect(summary.json["thread_ts"] == drillTS)
            for part in ["Time per step", "Slowest step", "2. Replay in small batches: 2m", "Against the article", "target 5m", "target 10m", "would have pinged Leads"] {
                #expect(summary.raw.contains(part), "summary lacks \(part)")
            }
            #expect(!bot.fake.all.contains { $0.raw.contains("<!subteam^S0LEADS>") || $0.raw.contains("<@U0ONCALL>") }, "a drill pings nobody")
            #expect(bot.fake.pagerDutyEvents.isEmpty)
            #expect(try await bot.store.openIncidents(channel: nil).isEmpty, "a drill declares nothing")

            let list = try await bot.send("/runbook", "list")
            #expect(!list.contains("replay-backlog has never been drilled"))
            #expect(try await bot.send("/runbook", "drills").contains("RUN-1 Replay the backlog"))
        }
    }

    @Test func runsObeyChannelOwnershipAndSayWhatIsWrong() async throws {
        try await withBot { bot in
            #expect(try await bot.send("/runbook", "step done").contains("There is no active run in this channel"))
            #expect(try await bot.send("/runbook", "run replay-backlog").contains("There is no open incident in this channel"))
            try await bot.send("/incident", "declare lambda timeout")
            #expect(await eventually(timeout: .seconds(60)) { (try? await bot.store.incident("INC-1"))??.threadTS != nil })
            #expect(try await bot.send("/runbook", "run zzqqxxyyww").contains("No procedure matches"))
            #expect(try await bot.send("/runbook", "run replay-backlog INC-1").contains("RUN-1 started"))
            // Another channel cannot act on it.
            #expect(try await bot.send("/runbook", "step RUN-1 done", channel: "C0ELSE").contains("belongs to"))
            #expect(try await bot.send("/runbook", "step choose 9").contains("has no decisions"))
            #expect(try await bot.send("/runbook", "step escalate").contains("names no one to escalate to"))
            #expect(try await bot.store.run("RUN-1")?.current == 0, "nothing changed")
        }
    }
}
