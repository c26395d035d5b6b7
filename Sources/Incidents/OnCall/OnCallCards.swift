import Foundation
import RunbookModel

/// What `/oncall` shows, as neutral cards.
public enum OnCallCards {
    /// At most this many shifts are listed in one answer.
    static let maxShiftsShown = 60

    public static func all(_ roster: OnCallRoster, at now: Timestamp, times: TimeFormatter) -> Card {
        guard !roster.rotations.isEmpty else {
            return Card(title: "No on-call rotations are configured", sections: [
                Card.Section(nil, [.text("Add them to bot-config/oncall.yaml (see docs/oncall.md).")]),
            ])
        }
        return Card(title: "On call now", sections: roster.rotations.map { summary($0, roster: roster, at: now, times: times) })
    }

    public static func one(_ rotation: Rotation, roster: OnCallRoster, at now: Timestamp, times: TimeFormatter) -> Card {
        var card = Card(title: rotation.name, subtitle: Card.Text(rotation.summary), sections: [summary(rotation, roster: roster, at: now, times: times)])
        card.footer = ["/oncall schedule \(rotation.id) shows the coming shifts"]
        return card
    }

    public static func schedule(_ rotation: Rotation, roster: OnCallRoster, from now: Timestamp, days: Int, times: TimeFormatter) throws -> Card {
        guard let schedule = roster.schedule(rotation) else {
            throw OnCallDesk.Refusal("PagerDuty keeps the shifts of \(rotation.name); see them in PagerDuty.")
        }
        let end = now.adding(seconds: days * 86_400)
        let shifts = schedule.shifts(from: now.date, to: end.date, limit: 2_000)
        var items: [Card.Item] = shifts.prefix(maxShiftsShown).map { shift in
            let who = person(shift.contact, roster: roster)
            let override: Card.Text = shift.isOverride ? " (override)" : ""
            return .bullet("\(times.format(Timestamp(shift.from))) → \(times.format(Timestamp(shift.until))) · \(who)\(override)")
        }
        if shifts.count > maxShiftsShown {
            items.append(.text("… and \(shifts.count - maxShiftsShown) more; ask for fewer days."))
        }
        if items.isEmpty { items = [.text("Nobody is on call in this period: it falls before the rotation starts.")] }
        return Card(
            title: "\(rotation.name): the next \(days) day\(days == 1 ? "" : "s")",
            subtitle: Card.Text("Times in \(times.timeZone.identifier); handoffs at \(rotation.plan.map { "\($0.handoff)" } ?? "-") \(rotation.timeZone.identifier)"),
            sections: [Card.Section(nil, items)]
        )
    }

    public static func help(problem: String?) -> Card {
        var sections: [Card.Section] = []
        if let problem { sections.append(Card.Section(nil, [.text(Card.Text(problem))])) }
        sections.append(Card.Section("Usage", OnCallCommand.usage.map { .bullet(Card.Text($0)) }))
        return Card(title: problem == nil ? "/oncall" : "That /oncall command could not be read", sections: sections)
    }

    /// The handoff message: who is on call until when, and who is next from when.
    public static func handoff(_ rotation: Rotation, roster: OnCallRoster, at now: Timestamp, times: TimeFormatter) -> Card.Text {
        var text: Card.Text = "🔄 \(strong: rotation.name): \(who(roster.answer(rotation, at: now), times: times))"
        if let next = roster.schedule(rotation)?.next(after: now.date) {
            text = "\(text). Next: \(person(next.contact, roster: roster)) from \(times.format(Timestamp(next.from)))"
        }
        return text
    }

    /// Now, until when, next, and the overrides recorded from chat that are running or to come.
    static func summary(_ rotation: Rotation, roster: OnCallRoster, at now: Timestamp, times: TimeFormatter) -> Card.Section {
        let answer = roster.answer(rotation, at: now)
        var items: [Card.Item] = [.field("Now", who(answer, times: times))]
        if let schedule = roster.schedule(rotation), let next = schedule.next(after: now.date) {
            items.append(.field("Next", "\(person(next.contact, roster: roster)) from \(times.format(Timestamp(next.from)))"))
        }
        let overrides = roster.overrides.filter { $0.rotationID == rotation.id && $0.until > now }
        for override in overrides.prefix(10) {
            let reason = override.reason.map { " (\($0))" } ?? ""
            items.append(.bullet(
                "\(override.displayID): \(person(override.contactID, roster: roster)) \(times.format(override.from)) → \(times.format(override.until))\(reason), by \(actor: override.createdBy)"
            ))
        }
        return Card.Section(rotation.name, items)
    }

    /// "@bob until 2026-05-29 09:00 UTC", or that nobody is, and whom that reaches.
    static func who(_ answer: OnCallAnswer, times: TimeFormatter) -> Card.Text {
        var text: Card.Text
        if answer.isGap {
            text = "nobody is on call (reaching \(answer.fallback.map(IncidentNotice.reach).joined(separator: " ")))"
        } else {
            let until = answer.until.map { " until \(times.format($0))" } ?? ""
            text = "\(answer.onCall.map(IncidentNotice.reach).joined(separator: " "))\(until)"
        }
        if let note = answer.note { text = "\(text) (\(note))" }
        return text
    }

    static func person(_ contactID: String, roster: OnCallRoster) -> Card.Text {
        IncidentNotice.reach(roster.target(contactID))
    }
}
