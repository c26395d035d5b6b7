import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Incidents
import Logging
@testable import PagerDuty
import PostgresStorage
import RunbookModel
import Slack
import Storage
import TestSupport
import Testing

/// On-call end to end: the real server on the on-call runbook, its scheduler on a test
/// clock, a real SQLite file, and the fake Slack and PagerDuty. The clock starts on
/// 2026-05-28 at 20:26 UTC, in bob's shift (alice takes over at 09:00 UTC each other day).
@Suite(.serialized)
struct OnCallFlowTests {
    static let settings = """
        timezone: Europe/London
        channel_timezones:
          C0SYDNEY: Australia/Sydney
        permissions:
          admins: [U0ADMIN]
        """

    struct Bot {
        let client: any TestClientProtocol
        let fake: FakeSlackAndPagerDuty
        let clock: TestClock
        let store: SQLiteIncidentStore
        var dataDirectory = ""

        func message(_ command: String, _ text: String, user: String = "U0ALICE", channel: String = "C123") async throws -> SlackMessage {
            let body = Fixture.slashCommandBody(command: command, text: text)
                .replacingOccurrences(of: "user_id=U123", with: "user_id=\(user)")
                .replacingOccurrences(of: "channel_id=C123", with: "channel_id=\(channel)")
            let headers = Fixture.signedHeaders(body: body, timestamp: clock.now().milliseconds / 1000)
            return try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                #expect($0.status == .ok)
                return try JSONDecoder().decode(SlackMessage.self, from: Data(String(buffer: $0.body).utf8))
            }
        }

        func posts(containing text: String) -> [FakeSlackAndPagerDuty.Call] {
            fake.slackPosts.filter { $0.json["text"]?.contains(text) == true }
        }
    }

    static func configuration(fake: FakeSlackAndPagerDuty, directory: String) throws -> BotConfiguration {
        let (library, settings) = try OnCallRunbook.load(settings: Self.settings)
        var configuration = BotConfiguration(library: library, settings: settings, signingSecret: Fixture.secret)
        configuration.port = 0
        configuration.dataDirectory = directory + "/data"
        configuration.slack.botToken = "xoxb-test"
        configuration.slack.apiURL = fake.slackURL
        return configuration
    }

    func withBot(_ body: @escaping @Sendable (Bot) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oncall-flow-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let clock = TestClock(now: Timestamp(milliseconds: 1_780_000_000_000))
        let configuration = try Self.configuration(fake: fake, directory: directory)
        let app = try buildApplication(configuration, logger: LogRecorder().logger(), clock: clock)
        let store = try SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: clock)
        do {
            try await app.test(.live) { client in
                try await body(Bot(client: client, fake: fake, clock: clock, store: store, dataDirectory: configuration.dataDirectory))
            }
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    @Test func theCalendarIsServedOnlyWithItsToken() async throws {
        try await withBot { bot in
            let path = bot.dataDirectory + "/oncall-calendar-token"
            let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.count == 48)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            for uri in ["/oncall/fast-oncall.ics", "/oncall/fast-oncall.ics?token=wrong", "/oncall/nonesuch.ics?token=\(token)",
                        "/oncall/platform-pd.ics?token=\(token)", "/oncall/fast-oncall?token=\(token)"] {
                try await bot.client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(!String(buffer: response.body).contains("BEGIN:VCALENDAR"))
                }
            }
            // A swap recorded from chat shows in the calendar, splitting bob's shift.
            _ = try await bot.message("/oncall", "override fast-oncall alice until 23:00")
            try await bot.client.execute(uri: "/oncall/fast-oncall.ics?token=\(token)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
                let events = try ICalendarParser.parse(String(buffer: response.body)).children
                let today = events.filter { $0.raw("DTSTART")?.hasPrefix("20260528") == true }
                #expect(today.map { $0.value("SUMMARY") } == ["Bob", "Alice", "Bob"])
                #expect(today.map { $0.raw("DTSTART") } == ["20260528T090000Z", "20260528T202640Z", "20260528T230000Z"])
                #expect(events.count > 90)
            }
        }
    }

    @Test func eachPingMentionsWhoeverIsOnCallWhenItIsSent() async throws {
        try await withBot { bot in
            _ = try await bot.message("/incident", "declare lambda timeout")
            // Level 1 at once: bob's shift.
            #expect(await eventually { !bot.posts(containing: "escalated to *level 1").isEmpty })
            let levelOne = try #require(bot.posts(containing: "escalated to *level 1").first?.json["text"])
            #expect(levelOne.contains("<@U0BOB> (on call for Fast on-call until 2026-05-29 10:00 GMT+1)"))
            #expect(!levelOne.contains("U0ALICE"))

            // Level 3 is due 15 hours later, in alice's shift: it names alice, not bob.
            let levelThreeAt = bot.clock.now().adding(seconds: 15 * 3_600)
            #expect(await eventually { bot.clock.sleepers.contains(bot.clock.now().adding(seconds: 60)) })
            bot.clock.advance(by: .seconds(60))
            // (The scheduler may sleep until the 09:00 handoff first; moving past both wakes it.)
            #expect(await eventually { bot.clock.sleepers.contains(levelThreeAt) || bot.clock.sleepers.contains(Timestamp(milliseconds: 1_780_045_200_000)) })
            bot.clock.advance(to: levelThreeAt)
            #expect(await eventually { !bot.posts(containing: "escalated to *level 3").isEmpty })
            let levelThree = try #require(bot.posts(containing: "escalated to *level 3").first?.json["text"])
            #expect(levelThree.contains("<@U0ALICE> (on call for Fast on-call"))
            #expect(!levelThree.contains("U0BOB"))

            // Level 2 is the PagerDuty rotation; no API token: its fallback, saying why.
            let levelTwo = try #require(bot.posts(containing: "escalated to *level 2").first?.json["text"])
            #expect(levelTwo.contains("nobody is on call for Platform (PagerDuty), so its participants: <@U0CAROL>"))
            #expect(levelTwo.contains("PAGERDUTY_API_TOKEN is not set"))

            // The timeline records who each ping reached.
            let timeline = try await bot.store.timeline("INC-1").map(\.text)
            #expect(timeline.contains("level 1 (On-call): on call for Fast on-call: Bob (bob, U0BOB)"))
            #expect(timeline.contains("level 3 (Everyone): on call for Fast on-call: Alice (alice, U0ALICE)"))
        }
    }

    @Test func oncallShowsEveryRotationAndAnOverrideFromChatTakesOver() async throws {
        try await withBot { bot in
            let now = try await bot.message("/oncall", "")
            #expect(now.text.contains("On call now"))
            let rendered = try String(decoding: JSONEncoder().encode(now), as: UTF8.self)
            #expect(rendered.contains("<@U0BOB> until 2026-05-29 10:00 GMT+1"))
            #expect(rendered.contains("<@U0ALICE> from 2026-05-29 10:00 GMT+1"))

            // Alice (a participant) takes over for two hours; it is announced in the channel
            // and in the rotation's own channel.
            let override = try await bot.message("/oncall", "override fast-oncall <@U0ALICE|alice> 2h covering bob's dentist")
            #expect(override.responseType == .inChannel)
            let overrideText = try String(decoding: JSONEncoder().encode(override), as: UTF8.self)
            #expect(overrideText.contains("OVR-1"))
            #expect(overrideText.contains("instead of <@U0BOB>"))
            #expect(await eventually { bot.fake.slackPosts.contains { $0.json["channel"] == "C0ONCALL" && $0.json["text"]?.contains("OVR-1") == true } })

            // A ping now reaches alice.
            _ = try await bot.message("/incident", "declare lambda timeout")
            #expect(await eventually { !bot.posts(containing: "escalated to *level 1").isEmpty })
            #expect(bot.posts(containing: "escalated to *level 1").first?.json["text"]?.contains("<@U0ALICE>") == true)
            let shown = try String(decoding: JSONEncoder().encode(try await bot.message("/oncall", "fast-oncall")), as: UTF8.self)
            #expect(shown.contains("OVR-1"))

            // Someone who is neither a participant nor an admin may not override or cancel.
            let refused = try await bot.message("/oncall", "override fast-oncall bob 1h", user: "U0STRANGER")
            #expect(refused.text.contains("Only Fast on-call's participants and the bot's admins"))
            #expect(try await bot.store.overrides(endingAfter: bot.clock.now()).count == 1)
            let cancelRefused = try await bot.message("/oncall", "override cancel OVR-1", user: "U0STRANGER")
            #expect(cancelRefused.text.contains("Only Fast on-call's participants"))

            // An admin cancels it: bob is on call again. Slack fails the announcement once; it
            // is kept and posted on the next try, 30 s later.
            #expect(await eventually { bot.fake.all.allSatisfy { $0.json["fake_outcome"] != nil } })
            bot.fake.enqueue([.serverError])
            let failedAt = bot.clock.now()
            let cancelled = try await bot.message("/oncall", "override cancel OVR-1", user: "U0ADMIN")
            #expect(cancelled.responseType == .inChannel)
            func cancelPosts(_ outcome: String) -> [FakeSlackAndPagerDuty.Call] {
                bot.fake.all.filter { $0.json["channel"] == "C0ONCALL" && $0.json["text"]?.contains("OVR-1* cancelled") == true && $0.json["fake_outcome"] == outcome }
            }
            #expect(await eventually { cancelPosts("500").count == 1 })
            #expect(await eventually { bot.clock.sleepers.contains(failedAt.adding(seconds: 30)) })
            #expect(cancelPosts("ok").isEmpty)
            bot.clock.advance(to: failedAt.adding(seconds: 30))
            #expect(await eventually { cancelPosts("ok").count == 1 })
            #expect(try String(decoding: JSONEncoder().encode(cancelled), as: UTF8.self).contains("<@U0BOB>"))
            #expect(try await bot.store.overrides(endingAfter: bot.clock.now()).isEmpty)
            let again = try await bot.message("/oncall", "override cancel OVR-1", user: "U0ADMIN")
            #expect(again.text.contains("already cancelled"))
        }
    }

    @Test func scheduleListsTheComingShiftsInTheConfiguredZone() async throws {
        try await withBot { bot in
            let reply = try await bot.message("/oncall", "schedule fast 3")
            let text = try String(decoding: JSONEncoder().encode(reply), as: UTF8.self)
            #expect(text.contains("2026-05-28 10:00 GMT+1 → 2026-05-29 10:00 GMT+1 · <@U0BOB>"))
            #expect(text.contains("2026-05-29 10:00 GMT+1 → 2026-05-30 10:00 GMT+1 · <@U0ALICE>"))
            #expect(text.contains("2026-05-31 10:00 GMT+1 → 2026-06-01 10:00 GMT+1 · <@U0ALICE>"))
            // Asked from a channel with a zone of its own, the same shifts in Sydney's time.
            let sydney = try String(decoding: JSONEncoder().encode(try await bot.message("/oncall", "schedule fast 3", channel: "C0SYDNEY")), as: UTF8.self)
            #expect(sydney.contains("2026-05-28 19:00 GMT+10 → 2026-05-29 19:00 GMT+10 · <@U0BOB>"), "\(sydney)")
            let bad = try await bot.message("/oncall", "schedule fast 1000")
            #expect(bad.text.contains("could not be read"))
            let unknown = try await bot.message("/oncall", "nonesuch")
            #expect(unknown.text.contains("There is no rotation or system 'nonesuch'"))
        }
    }
}

/// A rotation PagerDuty keeps: its answer mapped to a contact by email, and the fallback to
/// the file's participants when PagerDuty is down.
@Suite(.serialized)
struct OnCallPagerDutyTests {
    func withBot(_ body: @escaping @Sendable (OnCallFlowTests.Bot) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oncall-pd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let clock = TestClock(now: Timestamp(milliseconds: 1_780_000_000_000))
        var configuration = try OnCallFlowTests.configuration(fake: fake, directory: directory)
        configuration.onCall.pagerDutyAPIToken = "pd-api-token"
        configuration.onCall.pagerDutyAPIURL = fake.pagerDutyURL
        let logs = LogRecorder()
        let app = try buildApplication(configuration, logger: logs.logger(), clock: clock)
        let store = try SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: clock)
        do {
            try await app.test(.live) { client in
                try await body(OnCallFlowTests.Bot(client: client, fake: fake, clock: clock, store: store))
            }
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
        #expect(!logs.all.contains { $0.rendered.contains("pd-api-token") }, "the API token is never logged")
    }

    @Test func pagerDutysAnswerIsMappedToAContactByEmail() async throws {
        try await withBot { bot in
            bot.fake.setOnCalls(FakeSlackAndPagerDuty.onCallsBody(schedule: "PSCHED1", name: "Robert", email: "BOB@example.com", end: "2026-05-29T18:00:00Z"))
            let reply = try await bot.message("/oncall", "platform-pd")
            let shown = try String(decoding: JSONEncoder().encode(reply), as: UTF8.self)
            #expect(shown.contains("<@U0BOB> until 2026-05-29 19:00 GMT+1"))

            _ = try await bot.message("/incident", "declare lambda timeout")
            let askedBefore = bot.fake.pagerDutyOnCallRequests.count
            #expect(await eventually { bot.clock.sleepers.contains(bot.clock.now().adding(seconds: 60)) })
            bot.clock.advance(by: .seconds(60))
            #expect(await eventually { !bot.posts(containing: "escalated to *level 2").isEmpty })
            let levelTwo = try #require(bot.posts(containing: "escalated to *level 2").first?.json["text"])
            #expect(levelTwo.contains("<@U0BOB> (on call for Platform (PagerDuty) until 2026-05-29 19:00 GMT+1)"))
            // The answer is kept for a minute: the ping a minute later asked once more.
            #expect(bot.fake.pagerDutyOnCallRequests.count == askedBefore + 1)
            #expect(!levelTwo.contains("U0CAROL"))

            let request = try #require(bot.fake.pagerDutyOnCallRequests.first)
            #expect(request.json["authorization"] == "Token token=pd-api-token")
            #expect(request.json["query"]?.contains("schedule_ids%5B%5D=PSCHED1") == true)
            let timeline = try await bot.store.timeline("INC-1").map(\.text)
            #expect(timeline.contains("level 2 (Platform): on call for Platform (PagerDuty): Bob (bob, U0BOB)"))
        }
    }

    /// A schedule used by several escalation policies spans pages; its first level is on the
    /// second page here, and that person, not the one on page one, is reached.
    /// A burst of pings naming the same PagerDuty schedule while PagerDuty is slow asks it
    /// once: the others wait for the answer already on its way.
    @Test func concurrentLookupsOfOneScheduleAskPagerDutyOnce() async throws {
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        defer { Task { await fake.stop() } }
        fake.setOnCalls(FakeSlackAndPagerDuty.onCallsBody(schedule: "PSCHED1", name: "Robert", email: "bob@example.com", end: "2026-05-29T18:00:00Z"))
        fake.holdOnCalls()
        let clock = TestClock(now: Timestamp(milliseconds: 1_780_000_000_000))
        let directory = PagerDutyOnCalls(baseURL: fake.pagerDutyURL, token: "pd-api-token", client: .shared, clock: clock, logger: LogRecorder().logger())
        let answers = Task {
            await withTaskGroup(of: ExternalOnCall.self) { group in
                for _ in 0..<10 { group.addTask { await directory.onCall(schedule: "PSCHED1", at: clock.now()) } }
                return await group.reduce(into: [ExternalOnCall]()) { $0.append($1) }
            }
        }
        #expect(await eventually { fake.pagerDutyOnCallRequests.count == 1 })
        #expect(await eventually { await directory.callersWaiting(for: "PSCHED1") == 9 })
        fake.releaseOnCalls()
        let all = await answers.value
        #expect(all.count == 10 && Set(all.map { "\($0)" }).count == 1)
        #expect(all.first.map { "\($0)" }?.contains("Robert") == true)
        #expect(fake.pagerDutyOnCallRequests.count == 1)
    }

    @Test func everyPageOfPagerDutysAnswerIsRead() async throws {
        try await withBot { bot in
            let secondLevelOnly = #"{"oncalls":[{"escalation_level":2,"schedule":{"id":"PSCHED1"},"user":{"name":"Carol","email":"carol@example.com"},"end":"2026-05-29T18:00:00Z"}],"limit":100,"offset":0,"more":true}"#
            let firstLevel = FakeSlackAndPagerDuty.onCallsBody(schedule: "PSCHED1", name: "Robert", email: "bob@example.com", end: "2026-05-29T18:00:00Z")
            bot.fake.setOnCallPages([secondLevelOnly, firstLevel])
            let reply = try await bot.message("/oncall", "platform-pd")
            let shown = try String(decoding: JSONEncoder().encode(reply), as: UTF8.self)
            #expect(shown.contains("<@U0BOB> until 2026-05-29 19:00 GMT+1"))
            #expect(!shown.contains("U0CAROL"))
            let offsets = bot.fake.pagerDutyOnCallRequests.compactMap { $0.json["query"] }.map { query in
                query.split(separator: "&").first { $0.hasPrefix("offset=") }.map(String.init)
            }
            // Each time PagerDuty is asked (a ping at start-up may ask too), both pages are read.
            #expect(Set(offsets) == ["offset=0", "offset=100"])
            #expect(offsets.filter { $0 == "offset=0" }.count == offsets.filter { $0 == "offset=100" }.count)
        }
    }

    @Test func whenPagerDutyIsDownTheFilesParticipantsAreReachedWithAWarning() async throws {
        try await withBot { bot in
            _ = try await bot.message("/incident", "declare lambda timeout")
            #expect(await eventually { bot.clock.sleepers.contains(bot.clock.now().adding(seconds: 60)) })
            bot.clock.advance(by: .seconds(60))
            #expect(await eventually { !bot.posts(containing: "escalated to *level 2").isEmpty })
            let levelTwo = try #require(bot.posts(containing: "escalated to *level 2").first?.json["text"])
            #expect(levelTwo.contains("nobody is on call for Platform (PagerDuty), so its participants: <@U0CAROL>"))
            #expect(levelTwo.contains("PagerDuty could not be asked (PagerDuty answered HTTP 503)"))
            #expect(!bot.fake.pagerDutyOnCallRequests.isEmpty)
        }
    }
}

/// Handoffs: durable timers on the escalation scheduler, announced once across restarts.
@Suite(.serialized)
struct OnCallHandoffTests {
    @Test(arguments: BotStoreKind.all) func eachHandoffIsPostedOnceWithTheUserGroupUpdatedAcrossARestart(_ kind: BotStoreKind) async throws {
        switch kind {
        case .sqlite: try await handoffsAcrossARestart(databaseURL: nil)
        case .postgres: try await withTestDatabase { url, _ in try await handoffsAcrossARestart(databaseURL: url) }
        }
    }

    func handoffsAcrossARestart(databaseURL: DatabaseURL?) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oncall-handoff-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let clock = TestClock(now: Timestamp(milliseconds: 1_780_000_000_000))
        var configuration = try OnCallFlowTests.configuration(fake: fake, directory: directory)
        configuration.databaseURL = databaseURL
        @Sendable func handoffPosts() -> [FakeSlackAndPagerDuty.Call] {
            fake.slackPosts.filter { $0.json["channel"] == "C0ONCALL" && $0.json["text"]?.contains("🔄") == true }
        }
        @Sendable func groupUpdates() -> [FakeSlackAndPagerDuty.Call] {
            fake.all.filter { $0.path == "/api/usergroups.users.update" }
        }
        let aliceTakesOver = Timestamp(milliseconds: 1_780_045_200_000)  // 2026-05-29 09:00 UTC

        let first = try buildApplication(configuration, logger: LogRecorder().logger(), clock: clock)
        try await first.test(.live) { _ in
            // The shift running at start (bob's) is announced at once, and the group set to him.
            #expect(await eventually { handoffPosts().count == 1 })
            #expect(handoffPosts()[0].json["text"]?.contains("*Fast on-call*: <@U0BOB> until 2026-05-29 10:00 GMT+1. Next: <@U0ALICE> from 2026-05-29 10:00 GMT+1") == true)
            #expect(await eventually { groupUpdates().count == 1 })
            #expect(groupUpdates()[0].json["usergroup"] == "S0ONCALL")
            #expect(groupUpdates()[0].json["users"] == "U0BOB")

            // The next handoff is a timer the scheduler sleeps until. Slack rate-limits the
            // group update then: it is tried again after Slack's Retry-After, not lost.
            #expect(await eventually { clock.sleepers.contains(aliceTakesOver) })
            fake.enqueue([.rateLimited(retryAfter: 5)])
            clock.advance(to: aliceTakesOver)
            #expect(await eventually { handoffPosts().count == 2 })
            #expect(handoffPosts()[1].json["text"]?.contains("<@U0ALICE> until 2026-05-30 10:00 GMT+1") == true)
            #expect(await eventually { groupUpdates().count == 2 })
            #expect(groupUpdates()[1].json["fake_outcome"] == "429")
            #expect(await eventually { clock.sleepers.contains(aliceTakesOver.adding(seconds: 5)) })
            clock.advance(to: aliceTakesOver.adding(seconds: 5))
            #expect(await eventually { groupUpdates().count == 3 })
            #expect(groupUpdates()[2].json["users"] == "U0ALICE" && groupUpdates()[2].json["fake_outcome"] == "ok")
            // Stopped only once the update is recorded (its timer gone, the scheduler asleep
            // until the next handoff): a timer still held at the stop would rightly be sent
            // again after the restart, when its claim runs out.
            #expect(await eventually { clock.sleepers.contains(aliceTakesOver.adding(seconds: 86_400)) })
        }

        // Restarted on the same database in alice's shift: nothing is announced again.
        let second = try buildApplication(configuration, logger: LogRecorder().logger(), clock: clock)
        try await second.test(.live) { _ in
            let nextHandoff = aliceTakesOver.adding(seconds: 86_400)
            #expect(await eventually { clock.sleepers.contains(nextHandoff) })
            #expect(handoffPosts().count == 2)
            #expect(groupUpdates().count == 3)
        }
        await fake.stop()
    }
}
