import Foundation
import PostgresNIO
import TestSupport
import Testing

/// Two `serve` processes on one PostgreSQL database, one killed with SIGKILL while Slack has
/// its level-2 ping and has not answered: the other takes the ping over once the claim runs
/// out (10 s), then sends level 3 after it, in order, in the thread; the CLI then reads the
/// incident's postmortem and the drill record from the same database.
@Suite(.serialized, .enabled(if: TestDatabase.serverURL != nil, "needs TEST_DATABASE_URL"), .hangWatchdog())
struct ReplicaKillTests {
    static let secret = ["SLACK_SIGNING_SECRET": "restart-secret"]

    @Test func aReplicaKilledMidSendIsTakenOverAndTheRecordIsReadFromTheDatabase() async throws {
        try await withTestDatabase { url, database in
            let directory = try CLITests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let config = directory + "/config"
            try FileManager.default.createDirectory(atPath: config + "/runbooks", withIntermediateDirectories: true)
            try ProcedureRunbook.yaml(levelSeconds: [0, 3, 5]).write(toFile: config + "/runbooks/fast.yaml", atomically: true, encoding: .utf8)
            let fake = FakeSlackAndPagerDuty()
            try await fake.start()
            defer { Task { await fake.stop() } }
            func pings(_ level: Int, outcome: String = "ok") -> [FakeSlackAndPagerDuty.Call] {
                fake.all.filter { $0.json["fake_outcome"] == outcome && $0.json["text"]?.contains("escalated to *level \(level)") == true }
            }
            func send(_ text: String, port: Int) throws -> CLITests.Run {
                try CLITests.run(["send", text, "--url", "http://127.0.0.1:\(port)/slack/commands"], environment: Self.secret)
            }
            /// The replica answers a lookup: it is up (a lookup changes nothing, so asking again is harmless).
            func answers(port: Int) async -> Bool {
                await eventually(timeout: .seconds(20)) { (try? send("/runbook timeout", port: port))?.status == 0 }
            }

            let (portA, portB) = (try CLITests.freePort(), try CLITests.freePort())
            let first = try RestartTests.Server(config: config, data: directory + "/a", port: portA, fake: fake, databaseURL: url.text)
            defer { first.kill9() }
            #expect(await answers(port: portA))
            let declared = try send("/incident declare lambda timeout", port: portA)
            #expect(declared.output.contains("INC-1 declared"), "\(declared.output) \(declared.errors)")
            #expect(await eventually { pings(1).count == 1 })
            // Once the first replica has recorded Slack's answer to level 1, hold the next call.
            #expect(await eventually {
                let pending = try? await database.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                    .decode(Int.self).reduce(into: [Int]()) { $0.append($1) }
                return pending == [0]
            })
            fake.enqueue([.noAnswer])
            #expect(await eventually(timeout: .seconds(20)) { pings(2, outcome: "no answer").count == 1 })
            let handedOver = try #require(pings(2, outcome: "no answer").first).at

            // A second replica comes up; the first dies holding the level-2 ping.
            let second = try RestartTests.Server(config: config, data: directory + "/b", port: portB, fake: fake, databaseURL: url.text)
            defer { second.kill9() }
            #expect(await answers(port: portB))
            first.kill9()

            #expect(await eventually(timeout: .seconds(30)) { pings(2).count == 1 && pings(3).count == 1 })
            let level2 = try #require(pings(2).first)
            let level3 = try #require(pings(3).first)
            let takeover = level2.at.timeIntervalSince(handedOver)
            #expect(takeover >= 9 && takeover < 13, "taken over \(takeover) s after the dead replica handed it to Slack")
            #expect(level2.at <= level3.at, "level 3 waits behind level 2 in its channel")
            let card = try #require(fake.slackPosts.first { $0.json["thread_ts"] == nil })
            #expect(level2.json["thread_ts"] == card.json["fake_ts"] && level3.json["thread_ts"] == card.json["fake_ts"])
            #expect(pings(1).count == 1 && fake.slackPosts.filter { $0.json["thread_ts"] == nil }.count == 1, "nothing else repeated")

            // The record is read from the database the replicas share.
            let postmortem = try CLITests.run(["postmortem", "INC-1", "--config", config, "--database-url", url.text])
            #expect(postmortem.status == 0, "\(postmortem.errors)")
            #expect(postmortem.output.contains("## Escalation") && postmortem.output.contains("level 3"), "\(postmortem.output)")
            let validate = try CLITests.run(["validate", "--config", config, "--database-url", url.text])
            #expect(validate.status == 0, "\(validate.errors)")
            #expect(validate.output.contains("replay-backlog has never been drilled"), "\(validate.output)")
            // A database that does not answer is said plainly, with the password hidden.
            var unreachable = url
            unreachable.port = try CLITests.freePort()
            let asked = Date()
            let refused = try CLITests.run(["postmortem", "INC-1", "--config", config, "--database-url", unreachable.text])
            #expect(refused.status != 0)
            #expect(Date().timeIntervalSince(asked) < 10, "said at once, not after the pool's retries")
            #expect(refused.errors.contains("cannot reach the database at postgres://"), "\(refused.errors)")
            if let password = url.password { #expect(!refused.errors.contains(password), "\(refused.errors)") }
        }
    }
}
