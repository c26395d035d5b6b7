import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The bot killed with SIGKILL mid-escalation and started again: overdue levels fire at
/// once, each exactly once, and nothing already sent is sent again.
@Suite(.serialized, .hangWatchdog())
struct RestartTests {
    final class Server {
        let process = Process()
        init(config: String, data: String, port: Int, fake: FakeSlackAndPagerDuty, databaseURL: String? = nil) throws {
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = ["serve", "--config", config, "--port", String(port), "--data-dir", data]
                + (databaseURL.map { ["--database-url", $0] } ?? [])
            var environment = ProcessInfo.processInfo.environment
            environment["SLACK_SIGNING_SECRET"] = "restart-secret"
            environment["SLACK_BOT_TOKEN"] = "xoxb-restart"
            environment["SLACK_API_URL"] = fake.slackURL
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func overdueEscalationsFireOnceAfterKillAndRestart() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/config/runbooks", withIntermediateDirectories: true)
        try FastRunbook.yaml(levelSeconds: [0, 3, 5]).write(toFile: directory + "/config/runbooks/fast.yaml", atomically: true, encoding: .utf8)
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let port = try CLITests.freePort()
        let url = "http://127.0.0.1:\(port)/slack/commands"
        let data = directory + "/data"

        var server = try Server(config: directory + "/config", data: data, port: port, fake: fake)
        var declared = try CLITests.run(["send", "/incident declare lambda timeout", "--url", url], environment: ["SLACK_SIGNING_SECRET": "restart-secret"])
        for _ in 0..<100 where declared.status != 0 {
            try await Task.sleep(for: .milliseconds(100))
            declared = try CLITests.run(["send", "/incident declare lambda timeout", "--url", url], environment: ["SLACK_SIGNING_SECRET": "restart-secret"])
        }
        let declaredAt = Date()
        #expect(declared.output.contains("INC-1 declared"), "\(declared.output) \(declared.errors)")
        func pings(_ level: Int) -> [FakeSlackAndPagerDuty.Call] {
            fake.slackPosts.filter { $0.json["text"]?.contains("escalated to *level \(level)") == true }
        }
        #expect(await eventually { pings(1).count == 1 })
        // Let the bot record that Slack accepted the ping. A kill between Slack's answer and
        // that commit would send the ping again after the restart: no Slack API can say
        // whether a message was already posted (the README's durability note).
        try await Task.sleep(for: .milliseconds(300))

        // Killed before level 2 is due; down while levels 2 and 3 come due.
        server.kill9()
        try await Task.sleep(for: .milliseconds(Int((6 - Date().timeIntervalSince(declaredAt)) * 1000)))
        #expect(pings(2).isEmpty)

        let restarted = Date()
        server = try Server(config: directory + "/config", data: data, port: port, fake: fake)
        defer { server.kill9() }
        #expect(await eventually { pings(2).count == 1 && pings(3).count == 1 })
        let firstOverdue = try #require(pings(2).first)
        #expect(firstOverdue.at.timeIntervalSince(restarted) < 5, "overdue escalation fired \(firstOverdue.at.timeIntervalSince(restarted)) s after restart")
        // Give any duplicate time to show up, then count every message once more.
        try await Task.sleep(for: .seconds(1))
        #expect(pings(1).count == 1)
        #expect(pings(2).count == 1)
        #expect(pings(3).count == 1)
        #expect(fake.slackPosts.filter { $0.json["thread_ts"] == nil }.count == 1, "the card is posted once")
    }
}
