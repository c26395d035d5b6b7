import Foundation
import RunbookModel

/// Handles `/oncall`: who is on call, the coming shifts, and overrides recorded in the
/// store. Decides and answers in neutral cards; the chat edge renders them.
public struct OnCallDesk: Sendable {
    public struct Reply: Sendable {
        public var card: Card
        /// Shown to the whole channel (an override, a cancellation), not only to the asker.
        public var inChannel: Bool
        public var refused: Bool
    }

    let library: RunbookLibrary
    let settings: BotSettings
    let clock: any BotClock
    let source: any OnCallSource
    let store: (any OnCallStore)?
    let groups: any UserGroupDirectory
    let times: TimeFormatter
    /// Tells a rotation's own channel about an override made elsewhere.
    let announce: @Sendable (_ channel: ChatAddress, _ text: Card.Text) async -> Void

    public init(
        library: RunbookLibrary, settings: BotSettings, clock: any BotClock, source: any OnCallSource,
        store: (any OnCallStore)?, groups: any UserGroupDirectory = NoUserGroups(),
        announce: @escaping @Sendable (ChatAddress, Card.Text) async -> Void = { _, _ in }
    ) {
        self.library = library
        self.settings = settings
        self.clock = clock
        self.source = source
        self.store = store
        self.groups = groups
        self.times = TimeFormatter(timeZoneIdentifier: settings.timeZone)
        self.announce = announce
    }

    /// Why nothing changed.
    struct Refusal: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    public func handle(_ command: OnCallCommand, actor: String, channel: String) async -> Reply {
        // Answers use the asking channel's zone when bot.yaml gives it one.
        let zone = settings.timeZone(forChannel: channel)
        let times = zone == settings.timeZone ? times : TimeFormatter(timeZoneIdentifier: zone)
        do {
            switch command {
            case .all:
                let roster = await source.roster(at: clock.now())
                return Reply(card: OnCallCards.all(roster, at: clock.now(), times: times), inChannel: false, refused: false)
            case .show(let name):
                let roster = await source.roster(at: clock.now())
                let rotation = try rotation(name, in: roster)
                return Reply(card: OnCallCards.one(rotation, roster: roster, at: clock.now(), times: times), inChannel: false, refused: false)
            case .schedule(let name, let days):
                let roster = await source.roster(at: clock.now())
                let rotation = try rotation(name, in: roster)
                let card = try OnCallCards.schedule(rotation, roster: roster, from: clock.now(), days: days, times: times)
                return Reply(card: card, inChannel: false, refused: false)
            case .override(let name, let who, let end, let reason):
                return try await override(name, who: who, end: end, reason: reason, actor: actor, channel: channel)
            case .cancelOverride(let id):
                return try await cancel(id, actor: actor, channel: channel)
            case .help(let problem):
                return Reply(card: OnCallCards.help(problem: problem), inChannel: false, refused: problem != nil)
            }
        } catch let refusal as Refusal {
            return Reply(card: Card(title: refusal.text, sections: [Card.Section(nil, [.text("Nothing changed.")])]), inChannel: false, refused: true)
        } catch {
            return Reply(card: Card(title: "The on-call store could not be reached; nothing changed. Try again shortly."), inChannel: false, refused: true)
        }
    }

    // MARK: Overrides

    private func override(
        _ name: String, who: String, end: OnCallCommand.OverrideEnd, reason: String?, actor: String, channel: String
    ) async throws -> Reply {
        let now = clock.now()
        let roster = await source.roster(at: now)
        let rotation = try rotation(name, in: roster)
        guard rotation.plan != nil else {
            throw Refusal("PagerDuty keeps the shifts of \(rotation.name): make the swap in PagerDuty.")
        }
        guard let store else { throw Refusal("Overrides cannot be recorded: this bot has no on-call store.") }
        let contact = try contact(who)
        try await requireParticipantOrAdmin(actor, of: rotation)
        let until = try endInstant(end, in: rotation, now: now)
        let replaced = roster.answer(rotation, at: now)
        let saved = try await store.addOverride(
            rotationID: rotation.id, contactID: contact.id, from: now, until: until, reason: reason, by: actor, at: now
        )
        var text: Card.Text = "🔁 \(strong: saved.displayID): \(IncidentNotice.reach(NotifyTarget(contact: contact))) is on call for \(strong: rotation.name) until \(times.format(until))"
        if !replaced.isGap, replaced.onCall.map(\.contactID) != [contact.id] {
            text = "\(text), instead of \(replaced.onCall.map(IncidentNotice.reach).joined(separator: " "))"
        }
        if let reason { text = "\(text) (\(reason))" }
        text = "\(text). Recorded by \(actor: actor); undo with \(code: "/oncall override cancel \(saved.displayID)")."
        await tellRotationChannel(rotation, text, unless: channel)
        return Reply(card: Card(title: "On-call override \(saved.displayID)", sections: [Card.Section(nil, [.text(text)])]), inChannel: true, refused: false)
    }

    private func cancel(_ id: Int64, actor: String, channel: String) async throws -> Reply {
        guard let store else { throw Refusal("Overrides cannot be recorded: this bot has no on-call store.") }
        let displayID = "OVR-\(id)"
        guard let existing = try await store.override(id: id), let rotation = library.rotation(existing.rotationID) else {
            throw Refusal("There is no override \(displayID).")
        }
        try await requireParticipantOrAdmin(actor, of: rotation)
        guard try await store.cancelOverride(id: id, by: actor, at: clock.now()) != nil else {
            throw Refusal("\(displayID) is already cancelled.")
        }
        let roster = await source.roster(at: clock.now())
        let now = roster.answer(rotation, at: clock.now())
        let text: Card.Text = "↩️ \(strong: displayID) cancelled by \(actor: actor): \(OnCallCards.who(now, times: times)) for \(strong: rotation.name)."
        await tellRotationChannel(rotation, text, unless: channel)
        return Reply(card: Card(title: "On-call override \(displayID) cancelled", sections: [Card.Section(nil, [.text(text)])]), inChannel: true, refused: false)
    }

    private func tellRotationChannel(_ rotation: Rotation, _ text: Card.Text, unless channel: String) async {
        guard let target = rotation.channel else { return }
        if case .channel(let id) = target, id == channel { return }
        await announce(target, text)
    }

    /// The person taking over: a Slack mention (`<@U…>`, `<@U…|name>`), a user id, or a contact id.
    private func contact(_ who: String) throws -> Contact {
        var text = who
        if text.hasPrefix("<@"), text.hasSuffix(">") {
            text = String(text.dropFirst(2).dropLast().prefix { $0 != "|" })
        }
        let userID = text.hasPrefix("@") ? String(text.dropFirst()) : text
        let contacts = library.runbooks.flatMap(\.contacts)
        if let contact = contacts.first(where: { $0.slack == .user(id: userID) && $0.rotation == nil }) { return contact }
        if let contact = library.contact(anywhere: userID.lowercased()) {
            guard contact.rotation == nil else {
                throw Refusal("'\(contact.id)' stands for a rotation; name the person who takes over.")
            }
            return contact
        }
        throw Refusal("'\(who.prefix(60))' is neither a contact id nor the Slack user of a contact in the runbooks; add them to a runbook's contacts first.")
    }

    /// A rotation's participants (by their contacts' Slack ids) and the admins may override.
    private func requireParticipantOrAdmin(_ actor: String, of rotation: Rotation) async throws {
        let participants = rotation.fallbackParticipants.compactMap { library.contact(anywhere: $0)?.slack }
        if participants.contains(.user(id: actor)) { return }
        for admin in settings.permissions.admins {
            if admin == actor { return }
            if admin.hasPrefix("S"), await groups.isMember(actor, of: admin) { return }
        }
        throw Refusal("Only \(rotation.name)'s participants and the bot's admins may change who is on call.")
    }

    private func endInstant(_ end: OnCallCommand.OverrideEnd, in rotation: Rotation, now: Timestamp) throws -> Timestamp {
        let until: Timestamp
        switch end {
        case .lasting(let seconds):
            until = now.adding(seconds: min(seconds, OnCallCommand.maxOverrideSeconds + 1))
        case .until(let local):
            until = Timestamp(local.instant(in: rotation.timeZone))
        case .untilTimeOfDay(let hour, let minute):
            let offset = rotation.timeZone.secondsFromGMT(for: now.date)
            let today = CalendarDate(unixSeconds: now.milliseconds / 1000 + Int64(offset))
            let candidate = Timestamp(LocalDateTime(date: today, hour: hour, minute: minute).instant(in: rotation.timeZone))
            until = candidate > now ? candidate : Timestamp(LocalDateTime(date: today.adding(days: 1), hour: hour, minute: minute).instant(in: rotation.timeZone))
        }
        guard until > now else { throw Refusal("That end is already past (\(times.format(until))); give a later one.") }
        guard until.milliseconds - now.milliseconds <= Int64(OnCallCommand.maxOverrideSeconds) * 1000 else {
            throw Refusal("An override from chat lasts at most 90 days; write longer ones in oncall.yaml.")
        }
        return until
    }

    private func rotation(_ name: String, in roster: OnCallRoster) throws -> Rotation {
        if let rotation = roster.rotation(named: name) { return rotation }
        let known = roster.rotations.map(\.id)
        var text = "There is no rotation or system '\(name.prefix(60))'."
        if !known.isEmpty {
            text += " Rotations: \(known.joined(separator: ", "))."
        } else {
            text += " No rotations are configured (bot-config/oncall.yaml)."
        }
        throw Refusal(text)
    }
}
