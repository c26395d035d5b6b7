import Foundation
import RunbookModel

/// A rotation's shifts for people to read or subscribe to: the iCalendar document the CLI
/// prints and `/oncall/<rotation>.ics` serves, and the preview table.
public enum OnCallCalendar {
    /// Calendars and previews cover at most this many days.
    public static let maxDays = 366

    /// The shifts overlapping `days` days from `from`, recorded overrides cut in; nil for
    /// a rotation PagerDuty keeps.
    public static func shifts(_ rotation: Rotation, roster: OnCallRoster, from: Date, days: Int) -> [Shift]? {
        guard let schedule = roster.schedule(rotation) else { return nil }
        let days = min(max(days, 1), maxDays)
        return schedule.shifts(from: from, to: from.addingTimeInterval(Double(days) * 86_400), limit: 10_000)
    }

    /// RFC 5545: one event per shift, the person's name as its summary.
    public static func iCalendar(_ rotation: Rotation, roster: OnCallRoster, from: Date, days: Int, stamp: Date) -> String? {
        guard let shifts = shifts(rotation, roster: roster, from: from, days: days) else { return nil }
        return ICalendar.render(shifts, of: rotation, names: names(shifts, roster: roster), stamp: stamp)
    }

    /// A plain-text table in the rotation's own zone: from, until, hours, who.
    public static func preview(_ rotation: Rotation, roster: OnCallRoster, from: Date, days: Int) -> String? {
        guard let shifts = shifts(rotation, roster: roster, from: from, days: days) else { return nil }
        let names = names(shifts, roster: roster)
        let rows = shifts.map { shift -> [String] in
            let hours = shift.until.timeIntervalSince(shift.from) / 3_600
            let length = hours == hours.rounded() ? "\(Int(hours))h" : String(format: "%.1fh", hours)
            return [
                local(shift.from, in: rotation.timeZone), local(shift.until, in: rotation.timeZone), length,
                (names[shift.contact] ?? shift.contact) + (shift.isOverride ? " (override)" : ""),
            ]
        }
        let header = ["From", "Until", "Length", "On call"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        var text = "\(rotation.name) (\(rotation.id)), times in \(rotation.timeZone.identifier)\n"
        text += ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
        if rows.isEmpty { text += "\n(no shifts: the period is before the rotation starts)" }
        return text + "\n"
    }

    /// `Mon 2026-03-30 09:00 BST`.
    static func local(_ instant: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][((parts.weekday ?? 1) - 1) % 7]
        let date = String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
        return "\(weekday) \(date) \(zone.abbreviation(for: instant) ?? zone.identifier)"
    }

    private static func names(_ shifts: [Shift], roster: OnCallRoster) -> [String: String] {
        var names: [String: String] = [:]
        for shift in shifts where names[shift.contact] == nil {
            names[shift.contact] = roster.library.contact(anywhere: shift.contact)?.name
        }
        return names
    }

    /// The first instant of `date` in `zone` (local midnight, by the rotation time rules).
    public static func startOfDay(_ date: CalendarDate, in zone: TimeZone) -> Date {
        LocalDateTime(date: date, minuteOfDay: 0).instant(in: zone)
    }
}
