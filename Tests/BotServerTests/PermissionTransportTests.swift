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
    static let ownership = IncidentFlowTests.settings + """

        permissions:
          admins: [U0ADMIN]
          acknowledge: [U0LISTED]
          update: [U0LISTED]
          escalate: [U0LISTED]
          resolve: [U0LISTED]
          publish: [U0LISTED]
        """

    /// Where a request comes from: the incident lives in C123; a thread there carries C123.
    static let places = ["own": "C123", "thread": "C123", "other": "C0OTHER", "dm": "D0DM"]
    static let users = ["listed": "U0LISTED", "unlisted": "U0NOBODY", "admin": "U0ADMIN"]

    static func accepted(place: String, user: String) -> Bool {
        user == "admin" || (["own", "thread"].contains(place) && user == "listed")
    }

    @Test func slashCommandsObeyChannelOwnershipAndLists() async throws {
        try await withBot(settings: Self.ownership) { bot in
            try await bot.send("/incident", "declare lambda timeout", user: "U0LISTED")
            for (place, channel) in Self.places.sorted(by: <) {
                for (user, id) in Self.users.sorted(by: <) {
                    let marker = "status from \(place) by \(user)"
                    let reply = try Self.rendered(await bot.message("/incident", "update INC-1 \(marker)", user: id, channel: channel))
                    let saved = try await bot.store.incident("INC-1")?.lastStatusText == marker
                    #expect(saved == Self.accepted(place: place, user: user), "\(marker): \(reply)")
                    if !["own", "thread"].contains(place), user != "admin" {
                        #expect(reply.contains("INC-1 belongs to <#C123>"), "\(marker): \(reply)")
                        let shown = try Self.rendered(await bot.message("/incident", "show INC-1", user: id, channel: channel))
                        #expect(shown.contains("belongs to <#C123>") && !shown.contains("lambda timeout"), "\(place) \(user): \(shown)")
                        let list = try await bot.send("/incident", "list", user: id, channel: channel)
                        #expect(list.hasPrefix("No open incidents in this channel"))
                    } else if user == "unlisted" {
                        #expect(reply.contains("You are not allowed to post status updates"), "\(marker): \(reply)")
                    }
                }
            }
            #expect(try await bot.send("/incident", "list", user: "U0ADMIN", channel: "D0DM").hasPrefix("Open incidents (1)"))
        }
    }

    /// The whole reply as Slack receives it, blocks included (mentions live there).
    static func rendered(_ message: SlackMessage) throws -> String {
        String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
    }

    @Test func buttonsObeyChannelOwnershipAndLists() async throws {
        try await withBot(settings: Self.ownership) { bot in
            func click(_ id: String, user: String, channel: String, thread: Bool) async throws {
                let container = thread
                    ? #"{"type":"message","message_ts":"1700000000.000009","thread_ts":"1700000000.000001","channel_id":"\#(channel)"}"#
                    : #"{"type":"message","message_ts":"1700000000.000001","channel_id":"\#(channel)"}"#
                let payload = """
                    {"type":"block_actions","user":{"id":"\(user)","username":"u"},"team":{"id":"T1"},"channel":{"id":"\(channel)","name":"x"},\
                    "container":\(container),"response_url":"\(bot.fake.responseURL)","trigger_id":"1.2.3",\
                    "actions":[{"action_id":"incident_acknowledge","block_id":"b","type":"button","value":"\(id)","action_ts":"\(UUID().uuidString)"}]}
                    """
                let body = FormBody.encode([("payload", payload)])
                let headers = Fixture.signedHeaders(body: body, timestamp: bot.timestamp)
                try await bot.client.execute(uri: "/slack/interactions", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    #expect($0.status == .ok)
                }
            }
            var number = 0
            for (place, channel) in Self.places.sorted(by: <) {
                for (user, userID) in Self.users.sorted(by: <) {
                    number += 1
                    try await bot.send("/incident", "declare incident \(number)", user: "U0LISTED")
                    let id = "INC-\(number)"
                    let refusalsBefore = bot.fake.responses.count
                    try await click(id, user: userID, channel: channel, thread: place == "thread")
                    let accepted = Self.accepted(place: place, user: user)
                    if accepted {
                        #expect(await eventually { (try? await bot.store.incident(id))?.state == .acknowledged }, "\(place) \(user)")
                    } else {
                        // The refusal goes back to the one who clicked; the incident stays as it was.
                        #expect(await eventually { bot.fake.responses.count > refusalsBefore }, "\(place) \(user)")
                        #expect(try await bot.store.incident(id)?.state == .triggered, "\(place) \(user)")
                    }
                }
            }
            let refusals = bot.fake.responses.map(\.raw).joined()
            #expect(refusals.contains("belongs to <#C123>"))
            #expect(refusals.contains("not allowed to acknowledge"))
        }
    }
}
