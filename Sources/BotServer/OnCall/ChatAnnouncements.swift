import Foundation
import Incidents
import Logging
import Slack

/// Chat changes nobody waits for but everybody relies on: a handoff's post, a user group set
/// to whoever is on call, an override's announcement. Each is kept as a durable timer due at
/// once and fired by the escalation scheduler, so it survives a restart, is sent by one
/// replica, and is tried again until Slack takes it: after Slack's `Retry-After`, else every
/// 30 s. A refusal that retrying cannot fix (`channel_not_found`) is logged and dropped.
/// As with the outbox, a crash between Slack's answer and the timer's removal sends it again.
struct ChatAnnouncements: DurableTimerHandler {
    enum Announcement: Codable, Hashable, Sendable {
        /// Already in Slack's markup.
        case post(channel: String, text: String)
        case userGroup(group: String, users: [String])
    }

    static let timerKind = "chat-announcement"
    var kind: String { Self.timerKind }

    let timers: any TimerStore
    let transport: LiveTransport
    /// Wakes the scheduler, which sleeps until the earliest timer it knows of.
    let scheduled: @Sendable () async -> Void
    let logger: Logger

    /// Keeps the announcement until it is sent. `key` names it: the same key twice is one
    /// announcement (a handoff fired again after a crash announces once).
    func send(_ announcement: Announcement, key: String, at now: Timestamp) async throws {
        let payload = String(decoding: try JSONEncoder().encode(announcement), as: UTF8.self)
        try await timers.setTimer(DurableTimer(key: "announce:\(key)", dueAt: now, kind: kind, payload: payload))
        await scheduled()
    }

    func fire(_ timer: DurableTimer, at now: Timestamp) async throws {
        guard let announcement = try? JSONDecoder().decode(Announcement.self, from: Data(timer.payload.utf8)) else {
            logger.error("announcement cannot be read; dropped", metadata: ["key": "\(timer.key)"])
            return
        }
        let outcome: DeliveryOutcome
        switch announcement {
        case .post(let channel, let text):
            outcome = await transport.post(SlackPost(method: .postMessage, channel: channel, text: text))
        case .userGroup(let group, let users):
            guard let slack = transport.slack else {
                logger.notice("[local mode: not sent] user group \(group) set to \(users.joined(separator: ","))")
                return
            }
            outcome = LiveTransport.outcome(await slack.api.setUserGroupMembers(group, users: users, token: slack.token))
        }
        switch outcome {
        case .delivered:
            return
        case .retry(let after, let reason):
            throw TryTimerLater(after: after ?? .seconds(30), reason: reason)
        case .failed(let reason), .misconfigured(let reason):
            logger.error("announcement refused by Slack; dropped", metadata: ["key": "\(timer.key)", "error": "\(reason)"])
        }
    }
}

extension ChatAnnouncements: CustomStringConvertible {
    var description: String { "ChatAnnouncements" }
}
