import Foundation
import RunbookModel

/// Fixed instants and small rotations for the on-call tests. Nothing here reads a clock.
enum OnCallFixtures {
    /// The instant written `YYYY-MM-DD HH:MM` in UTC.
    static func utc(_ text: String) -> Date {
        guard let local = LocalDateTime(parsing: text) else { fatalError("not a date and time: \(text)") }
        return Date(timeIntervalSince1970: TimeInterval(local.date.daysSinceEpoch * 86_400 + local.minuteOfDay * 60))
    }

    static func local(_ text: String) -> LocalDateTime {
        guard let local = LocalDateTime(parsing: text) else { fatalError("not a date and time: \(text)") }
        return local
    }

    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { fatalError("no time zone \(identifier)") }
        return zone
    }

    static func date(_ text: String) -> CalendarDate {
        guard let date = CalendarDate(parsing: text) else { fatalError("not a date: \(text)") }
        return date
    }

    static func schedule(
        _ zone: String, shift: ShiftLength, handoff: String, weekday: Weekday? = nil, start: String,
        participants: [String], overrides: [RotationOverride] = []
    ) -> RotationSchedule {
        var time = HandoffTime(parsing: handoff)!
        time.weekday = weekday
        let plan = ShiftPlan(
            shiftLength: shift, handoff: time, start: date(start), participants: participants, overrides: overrides
        )
        return RotationSchedule(rotationID: "test", timeZone: Self.zone(zone), plan: plan)
    }

    /// Monday 09:00 handoffs in `zone`, a week each, alternating alice and bob from the
    /// first Monday of 2026.
    static func weeklyMonday(_ zone: String, overrides: [RotationOverride] = [], participants: [String] = ["alice", "bob"]) -> RotationSchedule {
        schedule(zone, shift: .weeks(1), handoff: "09:00", weekday: .monday, start: "2026-01-05", participants: participants, overrides: overrides)
    }

    static func override(_ contact: String, from: String, to: String) -> RotationOverride {
        RotationOverride(contact: contact, from: local(from), to: local(to))
    }

    /// The wall-clock reading of `instant` in `zone`, `YYYY-MM-DD HH:MM`, for readable checks.
    static func wallClock(_ instant: Date, in zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.zone(zone)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let date = CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
        return LocalDateTime(date: date, hour: parts.hour!, minute: parts.minute!).description
    }
}
