import Incidents
import Logging
import RunbookModel
import ServiceLifecycle
import Slack

/// At each handoff of a rotation with a `channel` or a `user_group`: tell the channel who is
/// on call until when and who is next, and set the user group to that person. Each handoff
/// is a durable timer fired by the escalation scheduler; the handoff is recorded as handled
/// (`firstSighting`) before its announcements are kept, so a restart or a second replica
/// that fires the same timer announces nothing twice. The announcements themselves are
/// durable (`ChatAnnouncements`): tried again until Slack takes them.
struct OnCallHandoffs: DurableTimerHandler {
    static let timerKind = "oncall-handoff"
    /// How long a handled handoff is remembered: longer than any restart.
    static let remember: Duration = .seconds(14 * 86_400)

    let library: RunbookLibrary
    let source: any OnCallSource
    let timers: any TimerStore
    let seen: any IncidentStore
    let announcements: ChatAnnouncements
    let times: TimeFormatter
    let logger: Logger
    var kind: String { Self.timerKind }

    static func key(_ rotation: Rotation) -> String { "oncall-handoff:\(rotation.id)" }

    /// The rotations that hear about their handoffs.
    var announced: [Rotation] {
        library.rotations.filter { $0.plan != nil && ($0.channel != nil || $0.userGroup != nil) }
    }

    /// Sets each rotation's timer to the start of the shift running now: a handoff missed
    /// while the bot was down is announced at once, one already announced is not again.
    func start(at now: Timestamp) async throws {
        let roster = await source.roster(at: now)
        for rotation in announced {
            guard let schedule = roster.schedule(rotation) else { continue }
            let due = schedule.shift(at: now.date).map { Timestamp($0.from) } ?? schedule.next(after: now.date).map { Timestamp($0.from) }
            guard let due else { continue }
            try await timers.setTimer(DurableTimer(key: Self.key(rotation), dueAt: due, kind: kind, payload: rotation.id))
        }
    }

    func fire(_ timer: DurableTimer, at now: Timestamp) async throws {
        guard let rotation = library.rotation(timer.payload), announced.contains(rotation) else { return }
        let roster = await source.roster(at: now)
        guard let schedule = roster.schedule(rotation) else { return }
        let handoff = "handoff:\(rotation.id):\(timer.dueAt.milliseconds)"
        if try await seen.firstSighting(handoff, at: now, keepFor: Self.remember) {
            try await announce(rotation, roster: roster, at: now, key: handoff)
        }
        if let next = schedule.next(after: now.date) {
            try await timers.setTimer(DurableTimer(key: Self.key(rotation), dueAt: Timestamp(next.from), kind: kind, payload: rotation.id))
        }
    }

    private func announce(_ rotation: Rotation, roster: OnCallRoster, at now: Timestamp, key: String) async throws {
        if let channel = rotation.channel {
            let text = OnCallCards.handoff(rotation, roster: roster, at: now, times: times)
            try await announcements.send(.post(channel: "\(channel)", text: SlackMarkup.render(text)), key: key + ":post", at: now)
        }
        if case .userGroup(let group)? = rotation.userGroup {
            let users = roster.answer(rotation, at: now).reached.compactMap { target -> String? in
                if case .user(let id)? = target.chat { id } else { nil }
            }
            guard !users.isEmpty else { return }
            try await announcements.send(.userGroup(group: group, users: users), key: key + ":group", at: now)
        }
    }
}

/// Sets the handoff timers when the bot starts, then waits for shutdown.
struct OnCallHandoffStarter: Service {
    let handoffs: OnCallHandoffs
    let clock: any BotClock
    let wakeup: Wakeup

    func run() async throws {
        do {
            try await handoffs.start(at: clock.now())
            await wakeup.signal()
        } catch is CancellationError {
            // The bot stopped before they were set (it may never have started listening);
            // the next start sets them.
            return
        } catch {
            handoffs.logger.error("handoff timers not set", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
    }
}

extension OnCallHandoffStarter: CustomStringConvertible {
    /// Service lifecycle logs every service's description: never the tokens it holds.
    var description: String { "OnCallHandoffStarter" }
}

extension OnCallHandoffs: CustomStringConvertible {
    var description: String { "OnCallHandoffs(\(announced.map(\.id).joined(separator: ",")))" }
}
