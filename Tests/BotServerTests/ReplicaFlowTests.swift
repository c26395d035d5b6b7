import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Incidents
import Logging
import PostgresNIO
import PostgresStorage
import TestSupport
import Testing

/// Three replicas of the bot on one PostgreSQL database, one fake Slack, one test clock:
/// incidents declared through different replicas, one replica stopped dead before level 2
/// is due, and every level still pinged exactly once, on time, in its thread, in order.
@Suite(.serialized, .enabled(if: TestDatabase.serverURL != nil, "needs TEST_DATABASE_URL"), .timeLimit(.minutes(2)), .hangWatchdog())
struct ReplicaFlowTests {

    static let settings = """
        timezone: UTC
        incidents:
          default_system: fast
        """

    /// Sends `/incident <text>` to a replica, signed at the clock's time; the reply's text.
    @discardableResult
    func send(_ text: String, channel: String, to client: any TestClientProtocol, clock: TestClock) async throws -> String {
        let body = Fixture.slashCommandBody(command: "/incident", text: text).replacingOccurrences(of: "channel_id=C123", with: "channel_id=\(channel)")
        let headers = Fixture.signedHeaders(body: body, timestamp: clock.now().milliseconds / 1000)
        return try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            #expect($0.status == .ok)
            return String(buffer: $0.body)
        }
    }

    @Test func threeReplicasPingEveryLevelOnceOnTimeInOrderThoughOneIsKilled() async throws {
        try await withTestDatabase { url, database in
            let fake = FakeSlackAndPagerDuty()
            try await fake.start()
            defer { Task { await fake.stop() } }
            let clock = TestClock(now: SystemClock().now())
            let start = clock.now()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replicas-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = try Fixture.fastBot(settings: Self.settings, fake: fake, directory: directory)
            configuration.databaseURL = url
            configuration.pagerDuty.routingKey = nil
            let logs = (0..<3).map { _ in LogRecorder() }
            let apps = try (0..<3).map { try buildApplication(configuration, logger: logs[$0].logger(), clock: clock) }
            // The first message any replica sends is refused with 429: its queue waits a second.
            fake.enqueue([.rateLimited(retryAfter: 1)])

            try await apps[0].test(.live) { first in
                try await apps[1].test(.live) { second in
                    // The third replica runs in a task of its own, so it can be stopped dead.
                    let declaredOnThird = AsyncStream.makeStream(of: Void.self)
                    let third = Task {
                        // Finished however the task ends, so the test never waits for a declaration that failed.
                        defer { declaredOnThird.continuation.finish() }
                        try await apps[2].test(.live) { client in
                            try await send("declare lambda timeout in C3", channel: "C3", to: client, clock: clock)
                            declaredOnThird.continuation.yield()
                            // Serves until the task is cancelled: the replica stopped dead. The
                            // stream stays open while `held` lives, so only cancellation ends it.
                            let (untilStopped, held) = AsyncStream.makeStream(of: Void.self)
                            for await _ in untilStopped {}
                            held.finish()
                        }
                    }
                    var waitForThird = declaredOnThird.stream.makeAsyncIterator()
                    await waitForThird.next()
                    #expect(try await send("declare lambda timeout in C1", channel: "C1", to: first, clock: clock).contains("INC-"))
                    #expect(try await send("declare lambda timeout in C2", channel: "C2", to: second, clock: clock).contains("INC-"))

                    func pings(level: Int, channel: String) -> [FakeSlackAndPagerDuty.Call] {
                        fake.slackPosts.filter { $0.json["channel"] == channel && $0.json["text"]?.contains("escalated to *level \(level)") == true }
                    }
                    let channels = ["C1", "C2", "C3"]
                    // The 429's queue is parked until a second later; move the clock there.
                    #expect(await eventually { clock.sleepers.contains(start.adding(seconds: 1)) })
                    clock.advance(to: start.adding(seconds: 1))
                    #expect(await eventually { channels.allSatisfy { pings(level: 1, channel: $0).count == 1 } })
                    #expect(fake.all.filter { $0.json["fake_outcome"] == "429" }.count == 1)

                    // Stop the third replica dead, before level 2 is due, once nothing is being
                    // sent (a replica killed mid-send holds its queue for the 10 s claim).
                    #expect(await eventually {
                        let pending = try? await database.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                            .decode(Int.self).reduce(into: [Int]()) { $0.append($1) }
                        return pending == [0]
                    })
                    third.cancel()
                    _ = await third.result

                    // Level 2 is due 2 s after the declarations; the survivors are parked until exactly then.
                    let levelTwo = start.adding(seconds: 2)
                    #expect(await eventually { clock.sleepers.contains(levelTwo) })
                    #expect(channels.allSatisfy { pings(level: 2, channel: $0).isEmpty })
                    clock.advance(to: levelTwo)
                    #expect(await eventually { channels.allSatisfy { pings(level: 2, channel: $0).count == 1 } })
                    let levelThree = start.adding(seconds: 4)
                    #expect(await eventually { clock.sleepers.contains(levelThree) })
                    clock.advance(to: levelThree)
                    #expect(await eventually { channels.allSatisfy { pings(level: 3, channel: $0).count == 1 } })

                    for channel in channels {
                        let posts = fake.slackPosts.filter { $0.json["channel"] == channel }
                        // The card first, then each level once, in order, in the card's thread.
                        let card = try #require(posts.first)
                        #expect(card.json["thread_ts"] == nil)
                        let levels = posts.dropFirst().compactMap { post in (1...3).first { post.json["text"]?.contains("escalated to *level \($0)") == true } }
                        #expect(levels == [1, 2, 3], "\(channel)")
                        #expect(posts.dropFirst().allSatisfy { $0.json["thread_ts"] == card.json["fake_ts"] }, "\(channel)")
                    }
                    #expect(fake.slackPosts.filter { $0.json["text"]?.contains("escalated to *level") == true }.count == 9)
                    // Each escalation was committed at its deadline on the clock, once: level 1 at
                    // the declaration, level 2 at +2 s, level 3 at +4 s, for each of the three incidents.
                    let escalatedAt = try await database.query("SELECT at FROM timeline WHERE kind = 'escalated' ORDER BY at")
                        .decode(Int64.self).reduce(into: [Int64]()) { $0.append($1) }
                    #expect(escalatedAt == [0, 0, 0, 2, 2, 2, 4, 4, 4].map { start.adding(seconds: $0).milliseconds })

                    // Both survivors show the same incidents and say which store they share.
                    for client in [first, second] {
                        let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                        #expect(metrics.contains(#"runbook_store_info{kind="postgres"} 1"#))
                        let status = try await client.execute(uri: "/readyz", method: .get) { $0.status }
                        #expect(status == .ok)
                    }
                }
            }
        }
    }

    /// A replica learns of a deadline another replica committed from its notification, not
    /// from a polling cycle: the replica that declared is gone, and the other fires level 2
    /// at its deadline (its safety sweep is 30 s away).
    @Test func aDeadlineCommittedOnOneReplicaWakesTheOthers() async throws {
        try await withTestDatabase { url, database in
            let fake = FakeSlackAndPagerDuty()
            try await fake.start()
            defer { Task { await fake.stop() } }
            let clock = TestClock(now: SystemClock().now())
            let start = clock.now()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replicas-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = try Fixture.fastBot(settings: Self.settings, fake: fake, directory: directory)
            configuration.databaseURL = url
            configuration.pagerDuty.routingKey = nil
            let survivor = try buildApplication(configuration, logger: LogRecorder().logger(), clock: clock)
            let declaring = try buildApplication(configuration, logger: LogRecorder().logger(), clock: clock)
            @Sendable func pings(level: Int) -> Int {
                fake.slackPosts.filter { $0.json["text"]?.contains("escalated to *level \(level)") == true }.count
            }

            try await survivor.test(.live) { _ in
                try await declaring.test(.live) { client async throws in
                    #expect(try await send("declare lambda timeout", channel: "C1", to: client, clock: clock).contains("INC-1"))
                    #expect(await eventually { pings(level: 1) == 1 })
                }
                // Only the survivor is left; nothing but the notification told it of INC-1.
                clock.advance(to: start.adding(seconds: 2))
                #expect(await eventually { pings(level: 2) == 1 })
                let escalatedAt = try await database.query("SELECT at FROM timeline WHERE kind = 'escalated' ORDER BY at")
                    .decode(Int64.self).reduce(into: [Int64]()) { $0.append($1) }
                #expect(escalatedAt == [start.milliseconds, start.adding(seconds: 2).milliseconds])
            }
        }
    }
}
