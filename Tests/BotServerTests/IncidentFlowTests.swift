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
import TestSupport
import Testing

/// Incidents end to end: the real server and its scheduler and outbox, a real SQLite file,
/// and a fake Slack Web API and PagerDuty on loopback. The runbook's levels are seconds apart.
@Suite(.serialized)
struct IncidentFlowTests {
    static let settings = """
        timezone: UTC
        incidents:
          status_channels: [C0STATUS]
          default_system: fast
        """

    struct Bot {
        let client: any TestClientProtocol
        let fake: FakeSlackAndPagerDuty
        let logs: LogRecorder
        let clock: any BotClock
        /// The bot's database, opened beside it: what the bot has durably decided.
        let store: SQLiteIncidentStore

        /// Now on the bot's clock, as Slack would stamp a request.
        var timestamp: Int64 { clock.now().milliseconds / 1000 }

        /// Sends a slash command signed now; returns the reply's text.
        @discardableResult
        func send(_ command: String, _ text: String, user: String = "U0ALEX", channel: String = "C123") async throws -> String {
            try await message(command, text, user: user, channel: channel).text
        }

        /// Sends a slash command signed now; returns the whole reply.
        func message(_ command: String, _ text: String, user: String = "U0ALEX", channel: String = "C123") async throws -> SlackMessage {
            let body = Fixture.slashCommandBody(command: command, text: text)
                .replacingOccurrences(of: "user_id=U123", with: "user_id=\(user)")
                .replacingOccurrences(of: "channel_id=C123", with: "channel_id=\(channel)")
            let headers = Fixture.signedHeaders(body: body, timestamp: timestamp)
            return try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                #expect($0.status == .ok)
                return try JSONDecoder().decode(SlackMessage.self, from: Data(String(buffer: $0.body).utf8))
            }
        }
    }

    func withBot(
        settings: String = IncidentFlowTests.settings, clock: any BotClock = SystemClock(),
        _ body: @escaping @Sendable (Bot) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("incident-flow-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let logs = LogRecorder()
        let configuration = try Fixture.fastBot(settings: settings, fake: fake, directory: directory)
        let app = try buildApplication(configuration, logger: logs.logger(), clock: clock)
        let store = try SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: clock)
        do {
            try await app.test(.live) { client in
                try await body(Bot(client: client, fake: fake, logs: logs, clock: clock, store: store))
            }
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    @Test func levelsArePingedOnTimeInTheThreadAndResolutionStopsTheChain() async throws {
        let clock = TestClock()
        try await withBot(clock: clock) { bot in
            let declared = clock.now()
            let reply = try await bot.send("/incident", "declare invoices stuck, lambda timeout")
            #expect(reply.hasPrefix("INC-1 declared"))

            // The card goes to the channel; level 1 is pinged in its thread at once.
            #expect(await eventually { bot.fake.slackPosts.count >= 2 })
            let card = try #require(bot.fake.slackPosts.first)
            #expect(card.json["channel"] == "C123")
            #expect(card.json["thread_ts"] == nil)
            #expect(card.raw.contains("INC-1"))
            let cardTS = try #require(card.json["fake_ts"])
            let levelOne = bot.fake.slackPosts[1]
            #expect(levelOne.json["thread_ts"] == cardTS)
            #expect(levelOne.json["text"]?.contains("<@U0ONCALL>") == true)
            #expect(levelOne.json["text"]?.contains("aws logs tail /aws/lambda/fast-parser") == true)

            // Level 2 is due 2 s after the start. A millisecond before, the scheduler waits for
            // exactly that deadline; at it, level 2 goes to the thread, broadcast.
            let levelTwoDue = declared.adding(seconds: 2)
            clock.advance(to: levelTwoDue.adding(milliseconds: -1))
            #expect(await eventually { clock.sleepers.contains(levelTwoDue) })
            #expect(!bot.fake.slackPosts.contains { $0.json["text"]?.contains("escalated to *level 2") == true })
            clock.advance(to: levelTwoDue)
            #expect(await eventually { bot.fake.slackPosts.contains { $0.json["text"]?.contains("escalated to *level 2") == true } })
            let levelTwo = try #require(bot.fake.slackPosts.first { $0.json["text"]?.contains("escalated to *level 2") == true })
            #expect(levelTwo.json["thread_ts"] == cardTS)
            #expect(levelTwo.json["reply_broadcast"] == "1")
            #expect(levelTwo.json["text"]?.contains("<!subteam^S0LEADS>") == true)

            // Acknowledging does not stop a chain that runs until resolution; resolving does.
            try await bot.send("/incident", "ack")
            let resolved = try await bot.send("/incident", "resolve INC-1 backlog replayed")
            #expect(resolved.hasPrefix("INC-1 resolved"))
            // Resolved: nothing is left for the scheduler, so level 3 can never be sent.
            #expect(try await bot.store.incident("INC-1")?.state == .resolved)
            #expect(try await bot.store.nextDeadline() == nil)
            #expect(!bot.fake.slackPosts.contains { $0.json["text"]?.contains("escalated to *level 3") == true })
            #expect(await eventually {
                bot.fake.slackPosts.contains { $0.json["channel"] == "C0STATUS" && $0.json["text"]?.contains("✅") == true }
            })
            // The channel's queue and the status channel's queue deliver side by side.
            #expect(await eventually { bot.fake.slackPosts.contains { $0.json["thread_ts"] == cardTS && $0.json["text"]?.contains("✅") == true } })
            let threadResolution = bot.fake.slackPosts.first { $0.json["thread_ts"] == cardTS && $0.json["text"]?.contains("✅") == true }
            #expect(threadResolution?.json["text"]?.contains("backlog replayed") == true)
            // Each level was pinged exactly once.
            for level in ["escalated to *level 1", "escalated to *level 2"] {
                #expect(bot.fake.slackPosts.filter { $0.json["text"]?.contains(level) == true }.count == 1, "\(level)")
            }
            // The card was updated in place to show the resolution.
            #expect(await eventually { bot.fake.all.contains { $0.path == "/api/chat.update" && $0.json["ts"] == cardTS && $0.raw.contains("resolved") } })
        }
    }

    @Test func rateLimitsAndServerErrorsDelayButLoseNothingAndKeepOrder() async throws {
        let clock = TestClock(now: SystemClock().now())
        try await withBot(clock: clock) { bot in
            bot.fake.enqueue([.rateLimited(retryAfter: 1), .serverError])
            try await bot.send("/incident", "declare lambda timeout on the fast pipeline")
            // Slack said 429 with Retry-After: 1 — the sender parks until exactly a second later.
            let retryAt = clock.now().adding(seconds: 1)
            #expect(await eventually { clock.sleepers.contains(retryAt) })
            #expect(bot.fake.all.filter { $0.path == "/api/chat.postMessage" }.count == 1)
            clock.advance(to: retryAt)
            // Then a 500, its second failure: it backs off 2 s scaled by 0.5–1.0 and sleeps until then.
            #expect(await eventually { (try? await bot.store.deliveries("INC-1").first?.attempts) == 2 })
            let backoff = try #require(try await bot.store.nextDeliveryAttempt())
            #expect(backoff >= retryAt.adding(seconds: 1) && backoff <= retryAt.adding(seconds: 2))
            #expect(await eventually { clock.sleepers.contains(backoff) })
            clock.advance(to: backoff)

            #expect(await eventually { bot.fake.slackPosts.count >= 2 })
            let attempts = bot.fake.all.filter { $0.path == "/api/chat.postMessage" }
            #expect(attempts.map { $0.json["fake_outcome"] ?? "" }.prefix(3) == ["429", "500", "ok"])
            let posts = bot.fake.slackPosts
            #expect(posts[0].json["thread_ts"] == nil, "the card goes first")
            #expect(posts[1].json["thread_ts"] == posts[0].json["fake_ts"])
            #expect(posts.filter { $0.json["thread_ts"] == nil && $0.json["channel"] == "C123" }.count == 1, "the card is posted once")
        }
    }

    @Test func finalSlackErrorsAreRecordedNotRetriedAndShown() async throws {
        try await withBot { bot in
            bot.fake.enqueue([.slackError("channel_not_found")])
            try await bot.send("/incident", "declare lambda timeout")
            #expect(await eventually {
                bot.logs.all.contains { $0.message == "outbox: delivery failed for good" && $0.metadata["reason"] == "channel_not_found" }
            })
            // The card's delivery is recorded as failed: it is no longer pending, so nothing retries it.
            let card = try #require(try await bot.store.deliveries("INC-1").first { $0.delivery.effect == .postCard })
            #expect(card.status == .failed && card.attempts == 1)
            let cardAttempts = bot.fake.all.filter { $0.path == "/api/chat.postMessage" && $0.json["thread_ts"] == nil && $0.json["channel"] == "C123" }
            #expect(cardAttempts.count == 1)
            let shown = try await bot.message("/incident", "show INC-1")
            #expect(shown.text.hasPrefix("INC-1"))
            let blocks = (shown.blocks ?? []).compactMap { $0.text?.text }.joined(separator: "\n")
            #expect(blocks.contains("not delivered to slack:C123: channel_not_found"))
            let logs = bot.logs.all.map(\.rendered).joined(separator: "\n")
            #expect(!logs.contains("xoxb-test"), "the bot token must never be logged")
        }
    }

    @Test func criticalPagesPagerDutyAndResolvesWithTheSameKey() async throws {
        try await withBot { bot in
            try await bot.send("/incident", "declare critical invoices are being double charged")
            #expect(await eventually { bot.fake.pagerDutyEvents.count == 1 })
            let trigger = try #require(bot.fake.pagerDutyEvents.first)
            #expect(trigger.json["event_action"] == "trigger")
            // Keyed by this installation and the incident: another bot on the same routing key cannot merge with it.
            let key = "runbook-bot/\(try await bot.store.installationID())/INC-1"
            #expect(trigger.json["dedup_key"] == key)
            #expect(trigger.json["routing_key"] == "R0KEY")
            #expect(trigger.raw.contains("\"severity\":\"critical\""))
            // Every level is pinged at once, and the status channel is told.
            #expect(await eventually {
                bot.fake.slackPosts.contains { post in
                    ["<@U0ONCALL>", "<!subteam^S0LEADS>", "<#C0TEAM>"].allSatisfy { post.json["text"]?.contains($0) == true }
                }
            })
            #expect(await eventually { bot.fake.slackPosts.contains { $0.json["channel"] == "C0STATUS" } })

            try await bot.send("/incident", "resolve")
            #expect(await eventually { bot.fake.pagerDutyEvents.count == 2 })
            let resolve = bot.fake.pagerDutyEvents[1]
            #expect(resolve.json["event_action"] == "resolve")
            #expect(resolve.json["dedup_key"] == key)
        }
    }

    @Test func permissionsRefuseClearlyAndChangeNothing() async throws {
        let restricted = Self.settings + """

            permissions:
              declare: [U0LEAD, S0ONCALL]
              resolve: [U0LEAD]
              declare_channels: [C123]
            """
        try await withBot(settings: restricted) { bot in
            bot.fake.setMembers(["U0SAM"], of: "S0ONCALL")
            let refused = try await bot.send("/incident", "declare lambda timeout", user: "U0ALEX")
            #expect(refused.hasPrefix("You are not allowed to declare incidents"))
            #expect(try await bot.send("/incident", "list").hasPrefix("No open incidents"))
            try await bot.send("/incident", "declare lambda timeout", user: "U0LEAD")
            // A member of a listed user group may declare too (asked of Slack's usergroups.users.list).
            #expect(try await bot.send("/incident", "declare second thing", user: "U0SAM").hasPrefix("INC-2 declared"))
            try await bot.send("/incident", "resolve INC-2", user: "U0LEAD")
            let resolveRefused = try await bot.send("/incident", "resolve", user: "U0ALEX")
            #expect(resolveRefused.hasPrefix("You are not allowed to resolve incidents"))
            #expect(try await bot.send("/incident", "list").hasPrefix("Open incidents in this channel (1)"))
            // Anyone may acknowledge and post updates; updates reach the status channels.
            try await bot.send("/incident", "update replay at 40%", user: "U0ALEX")
            #expect(await eventually {
                bot.fake.slackPosts.contains { $0.json["channel"] == "C0STATUS" && $0.json["text"]?.contains("replay at 40%") == true }
            })
        }
    }

    @Test func statusPageShowsOnlyWhatWasPublishedEscaped() async throws {
        try await withBot { bot in
            try await bot.send("/incident", "declare sev1 checkout down on ip-10-0-3-7, Charles paged")
            try await bot.send("/incident", "update INC-1 internal: db01 at 10.0.3.7 is swapping")
            try await bot.send("/incident", "declare lambda timeout")
            try await bot.send("/incident", "declare sev3 never published at all")
            // Nothing is public before someone publishes.
            let before = try await bot.client.execute(uri: "/status", method: .get) { String(buffer: $0.body) }
            #expect(before.contains("All systems operational"))

            let published = try await bot.send("/incident", "publish INC-1 Checkout is failing for some customers; <b>ETA</b> 10 min")
            #expect(published.hasPrefix("INC-1 published"))
            try await bot.send("/incident", "publish INC-2 Invoices are delayed")
            try await bot.send("/incident", "publish INC-2 Invoices are being processed again")
            try await bot.send("/incident", "resolve INC-2 internal note: Charles fixed it")
            // The thread hears what the page now says.
            #expect(await eventually {
                bot.fake.slackPosts.contains { $0.json["text"]?.contains("The status page now shows") == true }
            })

            let page = try await bot.client.execute(uri: "/status", method: .get) { response -> String in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                return String(buffer: response.body)
            }
            #expect(page.contains("1 open incident — partial outage"))
            // The public name is the system's title and an impact word, never the internal title.
            #expect(page.contains("Fast pipeline"))
            #expect(page.contains("Partial outage"))
            #expect(page.contains("Checkout is failing for some customers; &lt;b&gt;ETA&lt;/b&gt; 10 min"))
            #expect(!page.contains("<b>"))
            #expect(page.contains("Resolved in the last 7 days"))
            #expect(page.contains("Invoices are being processed again"), "a resolved incident keeps its last published text")
            #expect(!page.contains("Invoices are delayed"))
            for secret in [
                "checkout down", "ip-10-0-3-7", "10.0.3.7", "db01", "lambda timeout", "never published", "INC-3",
                "U0ALEX", "U0ONCALL", "S0LEADS", "C0TEAM", "C123", "On-call", "Charles",
            ] {
                #expect(!page.contains(secret), "the status page shows \(secret)")
            }

            let json = try await bot.client.execute(uri: "/status.json", method: .get) { response -> [String: Any] in
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                return try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
            }
            let open = try #require(json["open"] as? [[String: Any]])
            #expect(open.count == 1)
            #expect(open.first?["id"] as? String == "INC-1")
            #expect(open.first?["impact"] as? String == "Partial outage")
            #expect(open.first?["message"] as? String == "Checkout is failing for some customers; <b>ETA</b> 10 min")
            let resolved = try #require(json["resolvedLastSevenDays"] as? [[String: Any]])
            #expect(resolved.map { $0["id"] as? String } == ["INC-2"])
            let raw = String(data: try JSONSerialization.data(withJSONObject: json), encoding: .utf8) ?? ""
            for secret in ["U0ALEX", "Charles", "checkout down", "db01", "never published"] {
                #expect(!raw.contains(secret), "status.json shows \(secret)")
            }
        }
    }

    @Test func publishedTextMayNotNameChatIDsOrAddresses() async throws {
        try await withBot { bot in
            try await bot.send("/incident", "declare sev2 invoices slow")
            for text in ["Ask <@U024BE7LH> for details", "<!here> we are on it", "see <#C0123ABCD>", "paged U024BE7LH", "host 10.1.2.3 down"] {
                let refused = try await bot.send("/incident", "publish INC-1 \(text)")
                #expect(refused.contains("Not published"), "\(text) was published")
            }
            #expect(try await bot.send("/incident", "publish INC-1 DATABASES are slow; invoices are delayed").hasPrefix("INC-1 published"))
            #expect(try await bot.store.incident("INC-1")?.publication?.text == "DATABASES are slow; invoices are delayed")
        }
    }

    @Test func mentionsAreAnsweredInTheirThreadOncePerEvent() async throws {
        try await withBot { bot in
            func post(_ json: String, retry: String? = nil, secret: String = Fixture.secret) async throws -> (HTTPResponse.Status, String) {
                // Slack signs a retry anew, at the time it sends it.
                var headers = Fixture.signedHeaders(body: json, timestamp: bot.timestamp + Int64(retry ?? "0")!, secret: secret)
                headers[.contentType] = "application/json"
                if let retry { headers[HTTPField.Name("X-Slack-Retry-Num")!] = retry }
                return try await bot.client.execute(uri: "/slack/events", method: .post, headers: headers, body: ByteBuffer(string: json)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            let challenge = try await post(#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#)
            #expect(challenge.0 == .ok)
            #expect(challenge.1 == #"{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#)

            let mention = #"{"type":"event_callback","event_id":"Ev0MENTION","event_time":1700000000,"event":{"type":"app_mention","user":"U0ALEX","text":"<@U0BOT> Task timed out after 900.00 seconds","ts":"1700000000.000100","channel":"C0INC"}}"#
            #expect(try await post(mention).0 == .ok)
            #expect(await eventually { bot.fake.slackPosts.contains { $0.json["channel"] == "C0INC" } })
            let answer = try #require(bot.fake.slackPosts.first { $0.json["channel"] == "C0INC" })
            #expect(answer.json["thread_ts"] == "1700000000.000100")
            #expect(answer.json["text"]?.hasPrefix("Lambda timeout") == true)

            // Slack's retry of the same event is acknowledged and not answered again.
            #expect(try await post(mention, retry: "1").0 == .ok)
            #expect(await eventually { !bot.logs.messages("Slack event already handled").isEmpty })
            #expect(bot.fake.slackPosts.filter { $0.json["channel"] == "C0INC" }.count == 1)

            #expect(try await post(mention.replacingOccurrences(of: "Ev0MENTION", with: "Ev0FORGED"), secret: "guess").0 == .unauthorized)
            #expect(try await post("not json").0 == .badRequest)
        }
    }

    @Test func buttonsActOnceAndUpdateTheCard() async throws {
        try await withBot { bot in
            func click(
                _ actionID: String, _ value: String, actionTS: String, user: String = "U0ALEX", secret: String = Fixture.secret,
                redelivery: Int64 = 0
            ) async throws -> HTTPResponse.Status {
                let payload = """
                    {"type":"block_actions","user":{"id":"\(user)","username":"alex"},"team":{"id":"T1"},"channel":{"id":"C123","name":"incidents"},\
                    "container":{"type":"message","message_ts":"1700000000.000001","channel_id":"C123"},"response_url":"\(bot.fake.responseURL)",\
                    "trigger_id":"1.2.3","actions":[{"action_id":"\(actionID)","block_id":"b","type":"button","value":"\(value)","action_ts":"\(actionTS)"}]}
                    """
                let body = FormBody.encode([("payload", payload)])
                // A redelivery is signed anew, when it is sent.
                let headers = Fixture.signedHeaders(body: body, timestamp: bot.timestamp + redelivery, secret: secret)
                return try await bot.client.execute(uri: "/slack/interactions", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    $0.status
                }
            }
            try await bot.send("/incident", "declare lambda timeout")
            #expect(await eventually { bot.fake.slackPosts.count >= 2 })
            let card = try #require(bot.fake.slackPosts.first)
            #expect(card.raw.contains("\"action_id\":\"incident_acknowledge\""))
            #expect(card.raw.contains("\"value\":\"INC-1@1\""))

            #expect(try await click("incident_acknowledge", "INC-1", actionTS: "1.1") == .ok)
            #expect(await eventually { bot.fake.all.contains { $0.path == "/api/chat.update" && $0.raw.contains("acknowledged by") } })
            // A double click: the second finds it acknowledged, says so privately, changes nothing.
            #expect(try await click("incident_acknowledge", "INC-1", actionTS: "1.2") == .ok)
            #expect(await eventually { bot.fake.responses.contains { $0.json["text"]?.contains("already acknowledged") == true } })

            // Escalate from the card's level 1: the redelivered click and a double click escalate once.
            #expect(try await click("incident_escalate", "INC-1@1", actionTS: "2.1") == .ok)
            #expect(try await click("incident_escalate", "INC-1@1", actionTS: "2.1", redelivery: 1) == .ok)
            #expect(try await click("incident_escalate", "INC-1@1", actionTS: "2.2") == .ok)
            #expect(await eventually { bot.fake.slackPosts.contains { $0.json["text"]?.contains("escalated to *level 2") == true } })
            #expect(await eventually { bot.fake.responses.contains { $0.json["text"]?.contains("already been escalated") == true } })
            // One level-2 notification was ever queued, and the outbox has drained: one ping.
            let queued = try await bot.store.deliveries("INC-1").filter { if case .notifyLevel(2, _, _) = $0.delivery.effect { true } else { false } }
            #expect(queued.count == 1)
            #expect(await eventually { (try? await bot.store.deliveries("INC-1").allSatisfy { $0.status == .delivered }) == true })
            #expect(bot.fake.slackPosts.filter { $0.json["text"]?.contains("escalated to *level 2") == true }.count == 1)

            #expect(try await click("incident_resolve", "INC-1", actionTS: "3.1", secret: "forged") == .unauthorized)
            #expect(try await bot.send("/incident", "list").hasPrefix("Open incidents in this channel (1)"))
            #expect(try await click("incident_resolve", "INC-1", actionTS: "3.2") == .ok)
            #expect(try await bot.send("/incident", "list").hasPrefix("No open incidents"))
        }
    }

    @Test func shareButtonPostsTheAnswerToTheChannel() async throws {
        try await withBot { bot in
            let reply = try await bot.message("/runbook", "Task timed out after 900.00 seconds")
            let share = try #require(reply.blocks?.first { $0.type == "actions" }?.buttons?.first)
            #expect(share.text.text == "Share in channel")
            #expect(share.value == "lambda-timeout")
            let payload = """
                {"type":"block_actions","user":{"id":"U0ALEX"},"channel":{"id":"C123"},"response_url":"\(bot.fake.responseURL)",\
                "actions":[{"action_id":"\(share.actionID)","type":"button","value":"\(share.value)","action_ts":"9.1"}]}
                """
            let body = FormBody.encode([("payload", payload)])
            let headers = Fixture.signedHeaders(body: body, timestamp: bot.timestamp)
            try await bot.client.execute(uri: "/slack/interactions", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                #expect($0.status == .ok)
            }
            #expect(await eventually { bot.fake.responses.count == 1 })
            let posted = try #require(bot.fake.responses.first)
            #expect(posted.json["response_type"] == "in_channel")
            #expect(posted.json["text"]?.hasPrefix("Lambda timeout") == true)
            #expect(posted.raw.contains("\"type\":\"header\""))
        }
    }

    @Test func illegalMovesAreClearErrorsThatChangeNothing() async throws {
        try await withBot { bot in
            #expect(try await bot.send("/incident", "ack").hasPrefix("There is no open incident in this channel"))
            try await bot.send("/incident", "declare lambda timeout")
            try await bot.send("/incident", "declare something else entirely")
            let ambiguous = try await bot.send("/incident", "ack")
            #expect(ambiguous.contains("INC-1") && ambiguous.contains("INC-2"))
            try await bot.send("/incident", "resolve INC-1")
            let again = try await bot.send("/incident", "ack INC-1")
            #expect(again.hasPrefix("INC-1 is already resolved"))
            #expect(try await bot.send("/incident", "ack INC-9").hasPrefix("There is no incident INC-9"))
            #expect(try await bot.send("/incident", "dance").contains("unknown subcommand"))
            let list = try await bot.send("/incident", "list")
            #expect(list.hasPrefix("Open incidents in this channel (1)"))
        }
    }
}
