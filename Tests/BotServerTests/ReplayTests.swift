import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Incidents
import Slack
import Storage
import TestSupport
import Testing

/// A captured signed request sent again is refused, and what Slack may redeliver is
/// handled once — also after the bot restarts, because it is remembered in the store.
@Suite(.serialized)
struct ReplayTests {
    /// Runs `body` against a bot on `directory`; a second call on the same directory is the
    /// bot after a restart.
    func withBot(
        directory: String, fake: FakeSlackAndPagerDuty, logs: LogRecorder,
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let configuration = try Fixture.fastBot(fake: fake, directory: directory)
        let app = try buildApplication(configuration, logger: logs.logger())
        try await app.test(.live) { client in try await body(client) }
    }

    static func signedRequest(_ path: String, body: String, contentType: String) -> (HTTPFields, ByteBuffer) {
        var headers = Fixture.signedHeaders(body: body, timestamp: Int64(Date().timeIntervalSince1970))
        headers[.contentType] = contentType
        return (headers, ByteBuffer(string: body))
    }

    @Test func aReplayedIncidentCommandChangesNothingBeforeOrAfterARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let logs = LogRecorder()
        let (headers, body) = Self.signedRequest(
            "/slack/commands", body: Fixture.slashCommandBody(command: "/incident", text: "declare critical invoices down"),
            contentType: "application/x-www-form-urlencoded"
        )
        @Sendable func send(_ client: any TestClientProtocol) async throws -> (HTTPResponse.Status, String) {
            try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: body) {
                ($0.status, String(buffer: $0.body))
            }
        }

        try await withBot(directory: directory, fake: fake, logs: logs) { client in
            let first = try await send(client)
            #expect(first.0 == .ok && first.1.contains("INC-1 declared"))
            #expect(await eventually { fake.pagerDutyEvents.count == 1 })
            // The same bytes again, inside the 5-minute window: a replay.
            let replay = try await send(client)
            #expect(replay.0 == .unauthorized)
            #expect(replay.1 == #"{"error":"invalid request"}"#)
            #expect(logs.messages("refused a replayed Slack request").count == 1)
        }
        // After a restart the signature memory is empty, but the store remembers the request.
        try await withBot(directory: directory, fake: fake, logs: logs) { client in
            let replay = try await send(client)
            #expect(replay.0 == .ok)
            #expect(replay.1.contains("already handled; nothing changed"))
        }
        let store = try SQLiteIncidentStore(path: directory + "/data/incidents.sqlite", clock: SystemClock())
        #expect(try await store.incident("INC-2") == nil, "the replay declared nothing")
        #expect(fake.pagerDutyEvents.count == 1, "the replay paged nothing")
        await fake.stop()
    }

    @Test func redeliveredClicksAndEventsAreHandledOnceAcrossARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("redelivery-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let logs = LogRecorder()
        let mention = #"{"type":"event_callback","event_id":"Ev0ONCE","event":{"type":"app_mention","user":"U0ALEX","text":"<@U0BOT> timeout","ts":"1700000000.000100","channel":"C0INC"}}"#
        @Sendable func click(_ client: any TestClientProtocol) async throws {
            let payload = #"{"type":"block_actions","user":{"id":"U123"},"channel":{"id":"C123"},"response_url":"\#(fake.responseURL)","actions":[{"action_id":"incident_escalate","type":"button","value":"INC-1@1","action_ts":"9.9"}]}"#
            // Each delivery is signed anew (a fresh random field keeps the bodies apart within one second).
            let body = FormBody.encode([("payload", payload), ("nonce", UUID().uuidString)])
            let (headers, buffer) = Self.signedRequest("/slack/interactions", body: body, contentType: "application/x-www-form-urlencoded")
            try await client.execute(uri: "/slack/interactions", method: .post, headers: headers, body: buffer) { #expect($0.status == .ok) }
        }
        @Sendable func event(_ client: any TestClientProtocol, retry: Int) async throws {
            let body = mention.replacingOccurrences(of: "\"type\":\"event_callback\"", with: "\"type\":\"event_callback\",\"retry\":\(retry)")
            let (headers, buffer) = Self.signedRequest("/slack/events", body: body, contentType: "application/json")
            try await client.execute(uri: "/slack/events", method: .post, headers: headers, body: buffer) { #expect($0.status == .ok) }
        }
        let answers: @Sendable () -> Int = { fake.slackPosts.filter { $0.json["channel"] == "C0INC" }.count }

        try await withBot(directory: directory, fake: fake, logs: logs) { client in
            let (headers, body) = Self.signedRequest(
                "/slack/commands", body: Fixture.slashCommandBody(command: "/incident", text: "declare lambda timeout"),
                contentType: "application/x-www-form-urlencoded"
            )
            try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: body) { #expect($0.status == .ok) }
            try await click(client)
            try await event(client, retry: 0)
            #expect(await eventually { answers() == 1 })
        }
        let store = try SQLiteIncidentStore(path: directory + "/data/incidents.sqlite", clock: SystemClock())
        #expect(try await store.incident("INC-1")?.levelsReached == 2)
        try await withBot(directory: directory, fake: fake, logs: logs) { client in
            try await click(client)
            try await event(client, retry: 1)
            #expect(await eventually { logs.messages("button already handled").count == 1 })
            #expect(await eventually { logs.messages("Slack event already handled").count == 1 })
        }
        #expect(try await store.incident("INC-1")?.levelsReached == 2, "the redelivered click escalated again")
        #expect(answers() == 1, "the redelivered event was answered again")
        await fake.stop()
    }
}
