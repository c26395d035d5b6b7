import BotServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Incidents
import RunbookModel
import Slack
import Storage
import Synchronization
import TestSupport
import Testing

/// Socket Mode against a fake Slack that speaks its websocket protocol on loopback: slash
/// commands, clicks and events through the same handlers as HTTP, every envelope
/// acknowledged, a `disconnect` handled by connecting anew before closing, a dead link
/// noticed and replaced.
@Suite(.serialized)
struct SocketModeTests {
    @Test func envelopesAreHandledAndAcknowledgedAcrossReconnects() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("socket-mode-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        fake.silence(link: 3)
        fake.rateLimitConnections(1)
        let logs = LogRecorder()
        var configuration = try Fixture.fastBot(fake: fake, directory: directory)
        configuration.slack.appToken = "xapp-test"
        // Short enough to find the silent link below quickly, long enough that a loaded
        // machine's pause is not taken for a dead link (which would close the first link
        // before its replacement says hello).
        configuration.slack.pingInterval = .seconds(2)
        let app = try buildApplication(configuration, logger: logs.logger())

        try await app.test(.live) { _ in
            #expect(await eventually { fake.socketLinks.count == 1 })
            let first = fake.socketLinks[0]
            // The first apps.connections.open was rate limited: the bot waited Retry-After.
            let opens = fake.all.filter { $0.path == "/api/apps.connections.open" }
            #expect(opens.count >= 2)
            #expect(opens[1].at.timeIntervalSince(opens[0].at) >= 0.95)
            #expect(opens.first?.raw == "Bearer xapp-test")

            // A slash command: acknowledged with the reply as payload.
            first.send(Self.slashCommand(envelope: "E1", text: "timeout"))
            #expect(await eventually { !first.acknowledgements(of: "E1").isEmpty })
            let reply = try #require(first.acknowledgements(of: "E1").first?["payload"] as? [String: Any])
            #expect((reply["text"] as? String)?.hasPrefix("Lambda timeout") == true)
            #expect((reply["blocks"] as? [[String: Any]])?.isEmpty == false)

            // An incident declared over the socket, then acknowledged with its card's button.
            first.send(Self.slashCommand(envelope: "E2", command: "/incident", text: "declare lambda timeout"))
            #expect(await eventually { bot(fake).contains { $0.json["thread_ts"] == nil } })
            first.send(Self.click(envelope: "E3", actionID: "incident_acknowledge", value: "INC-1"))
            #expect(await eventually { fake.all.contains { $0.path == "/api/chat.update" && $0.raw.contains("acknowledged by") } })
            #expect(first.acknowledgements(of: "E3").count == 1)
            #expect(first.acknowledgements(of: "E3").first?["payload"] == nil)

            // An event, then Slack redelivering it: acknowledged both times, answered once.
            let mention = Self.mention(envelope: "E4", eventID: "Ev4")
            first.send(mention)
            #expect(await eventually { bot(fake).contains { $0.json["channel"] == "C0INC" } })
            first.send(mention)
            // The second acknowledgement comes from the de-duplication path: handled once.
            #expect(await eventually { first.acknowledgements(of: "E4").count == 2 })
            #expect(logs.messages("Socket Mode: envelope redelivered, acknowledged again").count == 1)
            #expect(bot(fake).filter { $0.json["channel"] == "C0INC" }.count == 1)

            // Slack asks the bot to move: the new link is up before the old one closes.
            first.send(#"{"type":"disconnect","reason":"warning","debug_info":{"host":"fake"}}"#)
            #expect(await eventually { fake.socketLinks.count >= 2 && first.closedAt != nil })
            let second = fake.socketLinks[1]
            #expect(second.connectedAt <= (first.closedAt ?? .distantPast))
            second.send(Self.slashCommand(envelope: "E5", text: "escalation"))
            #expect(await eventually { second.acknowledgements(of: "E5").count == 1 })

            // The third link goes silent after hello: the bot notices and connects a fourth.
            second.send(#"{"type":"disconnect","reason":"refresh_requested"}"#)
            #expect(await eventually(timeout: .seconds(15)) { fake.socketLinks.count >= 4 })
            let fourth = fake.socketLinks[3]
            fourth.send(Self.slashCommand(envelope: "E6", text: "replay"))
            #expect(await eventually { fourth.acknowledgements(of: "E6").count == 1 })

            // Every envelope was acknowledged once per delivery, on the link it came on.
            for (link, envelope) in [(first, "E1"), (first, "E2"), (first, "E3"), (second, "E5"), (fourth, "E6")] {
                #expect(link.acknowledgements(of: envelope).count == 1, "\(envelope)")
            }
            #expect(!logs.all.map(\.rendered).joined().contains("xapp-test"), "the app token must never be logged")
        }
        await fake.stop()
    }

    /// Over the socket, as over HTTP: an incident is acted on from its own channel, or by an
    /// admin from anywhere.
    @Test func channelOwnershipHoldsOverTheSocket() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("socket-owner-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        var configuration = try Fixture.fastBot(settings: "permissions:\n  admins: [U0ADMIN]\n  update: [U0ALEX]\n", fake: fake, directory: directory)
        configuration.slack.appToken = "xapp-test"
        let store = try SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: SystemClock())
        let app = try buildApplication(configuration, logger: LogRecorder().logger(), store: store)

        try await app.test(.live) { _ in
            #expect(await eventually { fake.socketLinks.count == 1 })
            let link = fake.socketLinks[0]
            /// The reply's text and blocks, as one string.
            func reply(_ envelope: String) async -> String? {
                _ = await eventually { !link.acknowledgements(of: envelope).isEmpty }
                guard let payload = link.acknowledgements(of: envelope).first?["payload"] as? [String: Any],
                      let data = try? JSONSerialization.data(withJSONObject: payload) else { return nil }
                return String(decoding: data, as: UTF8.self)
            }
            link.send(Self.slashCommand(envelope: "E1", command: "/incident", text: "declare lambda timeout"))
            #expect(await reply("E1")?.contains("INC-1 declared") == true)

            link.send(Self.slashCommand(envelope: "E2", command: "/incident", text: "update INC-1 from elsewhere", channel: "C0OTHER"))
            #expect(await reply("E2")?.contains("INC-1 belongs to <#C123>") == true)
            link.send(Self.slashCommand(envelope: "E3", command: "/incident", text: "update INC-1 no permission", user: "U0BOB"))
            #expect(await reply("E3")?.contains("You are not allowed to post status updates") == true)
            link.send(Self.click(envelope: "E4", actionID: "incident_resolve", value: "INC-1", channel: "D0DM"))
            #expect(await eventually { !link.acknowledgements(of: "E4").isEmpty })
            #expect((try? await store.incident("INC-1"))??.lastStatusText == nil, "refused over the socket, nothing changed")
            #expect((try? await store.incident("INC-1"))??.state == .triggered)

            link.send(Self.slashCommand(envelope: "E5", command: "/incident", text: "update INC-1 admin from a DM", user: "U0ADMIN", channel: "D0DM"))
            #expect(await reply("E5")?.contains("INC-1 updated") == true)
            link.send(Self.click(envelope: "E6", actionID: "incident_resolve", value: "INC-1", user: "U0ADMIN", channel: "C0OTHER"))
            #expect(await eventually { (try? await store.incident("INC-1"))?.state == .resolved })
            #expect((try? await store.incident("INC-1"))??.lastStatusText == "admin from a DM")
        }
        await fake.stop()
    }

    @Test func theWholePermissionMatrixOverTheSocket() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("socket-matrix-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        let (library, settings) = try FastRunbook.load(settings: PermissionMatrixDriver.settings)
        var configuration = try Fixture.fastBot(fake: fake, directory: directory)
        (configuration.library, configuration.settings) = (library, settings)
        configuration.slack.appToken = "xapp-test"
        let store = try SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: SystemClock())
        let app = try buildApplication(configuration, logger: LogRecorder().logger(), store: store)
        try await app.test(.live) { _ in
            #expect(await eventually { fake.socketLinks.count == 1 })
            let link = fake.socketLinks[0]
            let counter = Mutex(0)
            let cases = try await PermissionMatrixDriver.run(store: store) { text, user, channel in
                let envelope = "M\(counter.withLock { $0 += 1; return $0 })"
                link.send(Self.slashCommand(envelope: envelope, command: "/incident", text: text, user: user, channel: channel))
                _ = await eventually { !link.acknowledgements(of: envelope).isEmpty }
                let payload = try #require(link.acknowledgements(of: envelope).first?["payload"] as? [String: Any])
                return String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
            }
            #expect(cases == 108)
        }
        await fake.stop()
    }

    /// A message larger than any Slack sends is not read: decoding costs time in proportion
    /// to size, so the link it came on is dropped and a new one serves.
    @Test func anOversizedMessageIsRefusedAndTheNextLinkServes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("socket-mode-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSlackAndPagerDuty()
        try await fake.start()
        var configuration = try Fixture.fastBot(fake: fake, directory: directory)
        configuration.slack.appToken = "xapp-test"
        let app = try buildApplication(configuration, logger: LogRecorder().logger())

        try await app.test(.live) { _ in
            #expect(await eventually { fake.socketLinks.count == 1 })
            let first = fake.socketLinks[0]
            let padding = String(repeating: "timeout ", count: SocketModeEnvelope.maximumMessageSize / 8 + 1)
            first.send(Self.slashCommand(envelope: "EBIG", text: padding))
            #expect(await eventually(timeout: .seconds(15)) { fake.socketLinks.count >= 2 && first.closedAt != nil })
            #expect(first.acknowledgements(of: "EBIG").isEmpty)

            let second = try #require(fake.socketLinks.dropFirst().first)
            second.send(Self.slashCommand(envelope: "E2", text: "timeout"))
            #expect(await eventually { second.acknowledgements(of: "E2").count == 1 })
        }
        await fake.stop()
    }

    private func bot(_ fake: FakeSlackAndPagerDuty) -> [FakeSlackAndPagerDuty.Call] { fake.slackPosts }

    static func slashCommand(
        envelope: String, command: String = "/runbook", text: String, user: String = "U0ALEX", channel: String = "C123"
    ) -> String {
        """
        {"envelope_id":"\(envelope)","type":"slash_commands","accepts_response_payload":true,"payload":{"token":"t","team_id":"T1",\
        "team_domain":"acme","channel_id":"\(channel)","channel_name":"incidents","user_id":"\(user)","user_name":"alex","command":"\(command)",\
        "text":"\(text)","api_app_id":"A0FAKE","is_enterprise_install":"false","response_url":"https://hooks.slack.com/x","trigger_id":"1.2.3"}}
        """
    }

    static func click(envelope: String, actionID: String, value: String, user: String = "U0ALEX", channel: String = "C123") -> String {
        """
        {"envelope_id":"\(envelope)","type":"interactive","accepts_response_payload":false,"payload":{"type":"block_actions",\
        "user":{"id":"\(user)"},"channel":{"id":"\(channel)"},"actions":[{"action_id":"\(actionID)","type":"button","value":"\(value)","action_ts":"5.5"}]}}
        """
    }

    static func mention(envelope: String, eventID: String) -> String {
        """
        {"envelope_id":"\(envelope)","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"payload":{"type":"event_callback",\
        "event_id":"\(eventID)","event":{"type":"app_mention","user":"U0ALEX","text":"<@U0BOT> ConditionalCheckFailedException",\
        "ts":"1700000000.000200","channel":"C0INC"}}}
        """
    }
}
