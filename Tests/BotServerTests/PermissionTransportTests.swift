import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Incidents
import Slack
import TestSupport
import Testing

/// The channel-ownership and permission rules hold whichever way a request arrives: a
/// signed slash command, a signed button click, or Socket Mode. The rules themselves are
/// covered verb by verb in `PermissionMatrixTests`; these prove each transport hands the
/// desk the right user and channel.
extension IncidentFlowTests {

    /// Where a request comes from: the incident lives in C123; a thread there carries C123.
    static let places = ["own": "C123", "thread": "C123", "other": "C0OTHER", "dm": "D0DM"]
    static let users = ["listed": "U0LISTED", "unlisted": "U0NOBODY", "admin": "U0ADMIN"]

    static func accepted(place: String, user: String) -> Bool {
        user == "admin" || (["own", "thread"].contains(place) && user == "listed")
    }

    @Test func theWholeMatrixOverSignedSlashCommands() async throws {
        try await withBot(settings: PermissionMatrixDriver.settings) { bot in
            let cases = try await PermissionMatrixDriver.run(store: bot.store) { text, user, channel in
                try Self.rendered(await bot.message("/incident", text, user: user, channel: channel))
            }
            #expect(cases == 108)
        }
    }

    /// The whole reply as Slack receives it, blocks included (mentions live there).
    static func rendered(_ message: SlackMessage) throws -> String {
        String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
    }

    @Test func buttonsObeyChannelOwnershipAndLists() async throws {
        try await withBot(settings: PermissionMatrixDriver.settings) { bot in
            func click(_ action: String, _ value: String, user: String, channel: String, thread: Bool) async throws {
                let container = thread
                    ? #"{"type":"message","message_ts":"1700000000.000009","thread_ts":"1700000000.000001","channel_id":"\#(channel)"}"#
                    : #"{"type":"message","message_ts":"1700000000.000001","channel_id":"\#(channel)"}"#
                let payload = """
                    {"type":"block_actions","user":{"id":"\(user)","username":"u"},"team":{"id":"T1"},"channel":{"id":"\(channel)","name":"x"},\
                    "container":\(container),"response_url":"\(bot.fake.responseURL)","trigger_id":"1.2.3",\
                    "actions":[{"action_id":"\(action)","block_id":"b","type":"button","value":"\(value)","action_ts":"\(UUID().uuidString)"}]}
                    """
                let body = FormBody.encode([("payload", payload)])
                let headers = Fixture.signedHeaders(body: body, timestamp: bot.timestamp)
                try await bot.client.execute(uri: "/slack/interactions", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    #expect($0.status == .ok)
                }
            }
            var number = 0
            // Every button the incident card carries, from every place, by every kind of user.
            for (action, value) in [("incident_acknowledge", ""), ("incident_escalate", "@1"), ("incident_resolve", "")] {
                for (place, channel) in Self.places.sorted(by: <) {
                    for (user, userID) in Self.users.sorted(by: <) {
                        number += 1
                        try await bot.send("/incident", "declare incident \(number)", user: "U0LISTED")
                        let id = "INC-\(number)"
                        let before = try await bot.store.incident(id).map(PermissionMatrixDriver.decided)
                        let refusalsBefore = bot.fake.responses.count
                        try await click(action, id + value, user: userID, channel: channel, thread: place == "thread")
                        if Self.accepted(place: place, user: user) {
                            #expect(await eventually { (try? await bot.store.incident(id))?.map(PermissionMatrixDriver.decided) != before }, "\(action) \(place) \(user)")
                        } else {
                            // The refusal goes back to the one who clicked; the incident stays as it was.
                            #expect(await eventually { bot.fake.responses.count > refusalsBefore }, "\(action) \(place) \(user)")
                            #expect(try await bot.store.incident(id).map(PermissionMatrixDriver.decided) == before, "\(action) \(place) \(user)")
                        }
                    }
                }
            }
            #expect(number == 36)
            let refusals = bot.fake.responses.map(\.raw).joined()
            #expect(refusals.contains("belongs to <#C123>"))
            #expect(refusals.contains("not allowed to acknowledge") && refusals.contains("not allowed to escalate"))
        }
    }
}
